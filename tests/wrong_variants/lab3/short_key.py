"""The signing key is random but only 16 bytes."""
TARGET = "check_signing_key"
EDITS = {"SECRET_KEY = secrets.token_bytes(32)": "SECRET_KEY = secrets.token_bytes(16)"}
