"""Logout clears the cookie but denies nothing: a copy of the token keeps working until it expires."""
TARGET = "check_logout"
EDITS = {
    '''    claims = current_claims()
    if claims is not None:
        revoke_token(claims)
    response = jsonify(message="Logged out")''':
    '''    response = jsonify(message="Logged out")''',
}
