"""Logout clears the cookie but keeps the session in the store: a copied cookie still works."""
TARGET = "check_logout"
EDITS = {
    'session = sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)':
        'session = sessions.get(request.cookies.get(SESSION_COOKIE, ""))',
}
