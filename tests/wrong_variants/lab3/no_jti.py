"""Tokens carry no jti, so logout cannot name the one token to deny."""
TARGET = "check_logout"
EDITS = {
    ', "jti": secrets.token_urlsafe(16)}': '}',
    '["exp", "iat", "sub", "jti"]})': '["exp", "iat", "sub"]})',
    'or claims["jti"] in REVOKED': 'or claims.get("jti") in REVOKED',
    'REVOKED[claims["jti"]] = claims["exp"]': 'REVOKED[claims.get("jti")] = claims["exp"]',
}
