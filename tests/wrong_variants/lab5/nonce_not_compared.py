"""The nonce is required but never compared with this login's: a replayed ID token signs in."""
TARGET = "check_nonce"
EDITS = {
    ('    if not isinstance(claims["nonce"], str) or not hmac.compare_digest(claims["n'
     'once"].encode(), nonce.encode()):\n'
     '        raise jwt.InvalidTokenError("the ID token\'s nonce is not this login\'s")\n'):
        '',
}
