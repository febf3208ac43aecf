"""Session IDs come from Python's random module (Mersenne Twister: predictable)."""
TARGET = "check_session_ids"
EDITS = {"session_id = secrets.token_urlsafe(32)": "session_id = '%064x' % __import__('random').getrandbits(256)"}
