"""Tokens carry no jti, so logout cannot name the one token to deny."""
TARGET = "check_logout"
EDITS = {
    ', "jti": secrets.token_urlsafe(16)}': '}',
    '["exp", "iat", "sub", "jti"]})': '["exp", "iat", "sub"]})',
    'or claims["jti"] in REVOKED': 'or claims.get("jti") in REVOKED',
    'REVOKED[claims["jti"]] = claims["exp"]': 'REVOKED[claims.get("jti")] = claims["exp"]',
    'csrf_token_for(verify_token(token)["jti"])': "csrf_token_for(token)",
    'csrf_token_for(claims["jti"])': "csrf_token_for(request.cookies.get(TOKEN_COOKIE, ''))",
}
