"""Sessions expire a fixed time after login, however active they are (not idle expiry)."""
TARGET = "check_idle_expiry"
EDITS = {'    session["last_seen"] = clock()\n': ""}
