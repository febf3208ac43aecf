"""The session cookie has a Domain attribute, so the browser hands it to every subdomain too."""
TARGET = "check_cookie_flags"
EDITS = {'start_session(username), httponly=True, samesite="Lax")':
         'start_session(username), httponly=True, samesite="Lax", domain="localhost")'}
