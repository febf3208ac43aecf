"""The signing key is sha256("password") in hex: 64 random-looking characters, and the first thing a cracker tries."""
TARGET = "check_signing_key"
EDITS = {"SECRET_KEY = secrets.token_bytes(32)":
         'SECRET_KEY = __import__("hashlib").sha256(b"password").hexdigest()'}
