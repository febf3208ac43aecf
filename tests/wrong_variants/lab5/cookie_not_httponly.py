"""The cookies are not HttpOnly: any script on the page reads the session key."""
TARGET = "check_session_cookie"
EDITS = {
    'httponly=True, samesite="Lax", path="/")':
        'httponly=False, samesite="Lax", path="/")',
}
