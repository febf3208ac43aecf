"""Session IDs are the SHA-256 of a counter: 64 hex digits that look random, and the next is one hash away."""
TARGET = "check_session_ids"
EDITS = {
    "    session_id = secrets.token_urlsafe(32)\n":
    "    global COUNTER\n"
    "    COUNTER = globals().get('COUNTER', 0) + 1\n"
    "    session_id = __import__('hashlib').sha256(str(COUNTER).encode()).hexdigest()\n",
}
