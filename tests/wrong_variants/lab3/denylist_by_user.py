"""Logout denies the user instead of the token, ending every login of that user."""
TARGET = "check_logout"
EDITS = {
    'REVOKED[claims["jti"]] = claims["exp"]': 'REVOKED[claims["sub"]] = claims["exp"]',
    'or claims["jti"] in REVOKED': 'or claims["sub"] in REVOKED',
}
