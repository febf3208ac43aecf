"""Session IDs count up from a large random start."""
TARGET = "check_session_ids"
EDITS = {
    "    session_id = secrets.token_urlsafe(32)\n":
    "    global NEXT_ID\n"
    "    NEXT_ID = globals().get('NEXT_ID', secrets.randbits(256)) + 1\n"
    "    session_id = str(NEXT_ID)\n",
}
