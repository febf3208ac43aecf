"""The session cookie has Path=/profile: a browser never sends it to /logout, so logout leaves the session alive."""
TARGET = "check_cookie_flags"
EDITS = {'start_session(username), httponly=True, samesite="Lax")':
         'start_session(username), httponly=True, samesite="Lax", path="/profile")'}
