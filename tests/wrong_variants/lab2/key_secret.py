"""The signing key is "secret"."""
TARGET = "check_signing_key"
EDITS = {"SECRET_KEY = secrets.token_bytes(32)": 'SECRET_KEY = "secret"'}
