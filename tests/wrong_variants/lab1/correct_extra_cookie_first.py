"""Correct: login sets a readable preference cookie before the session cookie (the check finds the session one)."""
TARGET = None
EDITS = {
    '    response.set_cookie(COOKIE_NAME, start_session(username), httponly=True, samesite="Lax")':
    '    response.set_cookie("theme", "dark", samesite="Lax")\n'
    '    response.set_cookie(COOKIE_NAME, start_session(username), httponly=True, samesite="Lax")',
}
