"""Session IDs are uuid4 strings: unique and random, but only 122 bits."""
TARGET = "check_session_ids"
EDITS = {"session_id = secrets.token_urlsafe(32)": "session_id = str(__import__('uuid').uuid4())"}
