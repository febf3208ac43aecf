"""Logout clears the cookie but leaves the session in the store, so a copied cookie still works."""
TARGET = "check_logout"
EDITS = {
    '''    end_session(request.cookies.get(COOKIE_NAME))
    response = make_response({"message": "logged out"})''':
    '''    response = make_response({"message": "logged out"})''',
}
