"""Sessions never expire."""
TARGET = "check_idle_expiry"
EDITS = {
    '''    if clock() - session["last_seen"] > IDLE_TIMEOUT:
        SESSIONS.pop(session_id, None)
        return None
''': "",
}
