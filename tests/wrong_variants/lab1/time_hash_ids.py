"""Session IDs are a hash of the current time: long and random-looking, but predictable."""
TARGET = "check_session_ids"
EDITS = {
    "session_id = secrets.token_urlsafe(32)":
    "session_id = __import__('hashlib').sha256(str(time.time()).encode()).hexdigest()",
}
