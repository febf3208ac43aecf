"""The JWKS is fetched once when the app starts and never again: a rotated key breaks every login (hidden test)."""
TARGET = "check_login"
EDITS = {
    'keys = jwt.PyJWKClient(metadata["jwks_uri"], timeout=TIMEOUT)':
        ('keys = jwt.PyJWKClient(metadata["jwks_uri"], timeout=TIMEOUT, lifespan=10**9, cooldown_duration=10**9)\n'
         '    keys.get_signing_keys()  # once, at start'),
}
