"""Session IDs are the SHA-256 of the time in whole milliseconds: a few thousand candidates around a login."""
TARGET = "check_session_ids"
EDITS = {
    "session_id = secrets.token_urlsafe(32)":
    "session_id = __import__('hashlib').sha256(str(int(time.time() * 1000)).encode()).hexdigest()",
}
