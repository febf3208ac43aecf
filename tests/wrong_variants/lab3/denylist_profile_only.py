"""The denylist is checked in /profile only: after logout a copied cookie still changes /settings."""
TARGET = "check_logout"
EDITS = {
    'if not isinstance(claims["sub"], str) or claims["jti"] in REVOKED:': 'if not isinstance(claims["sub"], str):',
    '''    return {"message": f"Hello, {claims['sub']}", "user": claims["sub"]}''':
    '''    if claims["jti"] in REVOKED:
        return {"error": "logged out"}, 401
    return {"message": f"Hello, {claims['sub']}", "user": claims["sub"]}''',
}
