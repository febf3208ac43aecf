"""The signing key is "a" * 64: long enough, on no wordlist, and guessed at once."""
TARGET = "check_signing_key"
EDITS = {"SECRET_KEY = secrets.token_bytes(32)": 'SECRET_KEY = "a" * 64'}
