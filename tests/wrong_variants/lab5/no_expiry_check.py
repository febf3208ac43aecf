"""exp is neither required nor checked."""
TARGET = "check_expired"
EDITS = {
    'options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]})':
        'options={"require": ["iss", "sub", "aud", "iat", "nonce"], "verify_exp": False})',
}
