"""Session IDs are the SHA-256 of a uuid1(): the time, the MAC address and a 14-bit sequence from `random`."""
TARGET = "check_session_ids"
EDITS = {
    "session_id = secrets.token_urlsafe(32)":
    "session_id = __import__('hashlib').sha256(str(__import__('uuid').uuid1()).encode()).hexdigest()",
}
