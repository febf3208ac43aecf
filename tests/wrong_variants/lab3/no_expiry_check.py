"""Expiry is not verified, and tokens without exp are accepted."""
TARGET = "check_expired"
EDITS = {
    'options={"require": ["exp", "iat", "sub", "jti"]})':
    'options={"verify_exp": False, "require": ["iat", "sub", "jti"]})',
}
