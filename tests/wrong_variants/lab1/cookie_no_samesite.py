"""The session cookie has no SameSite attribute."""
TARGET = "check_cookie_flags"
EDITS = {'start_session(username), httponly=True, samesite="Lax")': 'start_session(username), httponly=True)'}
