"""Session IDs are the SHA-256 of str(time.time()): guessable once the clock is known, as in a stopped copy."""
TARGET = "check_session_ids"
EDITS = {
    "session_id = secrets.token_urlsafe(32)":
    "session_id = __import__('hashlib').sha256(str(time.time()).encode()).hexdigest()",
}
