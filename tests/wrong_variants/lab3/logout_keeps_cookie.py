"""Logout denies the token but leaves the cookie in the browser."""
TARGET = "check_logout"
EDITS = {
    '''    response = jsonify(message="Logged out")
    clear_login_cookies(response)''':
    '''    response = jsonify(message="Logged out")''',
}
