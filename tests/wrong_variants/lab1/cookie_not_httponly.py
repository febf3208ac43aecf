"""The session cookie is readable by page scripts (no HttpOnly)."""
TARGET = "check_cookie_flags"
EDITS = {'start_session(username), httponly=True, samesite="Lax")': 'start_session(username), samesite="Lax")'}
