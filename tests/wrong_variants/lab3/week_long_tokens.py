"""Tokens live a week instead of TOKEN_LIFETIME (the cookie still lives TOKEN_LIFETIME)."""
TARGET = "check_token"
EDITS = {'"exp": now + TOKEN_LIFETIME,': '"exp": now + 7 * 24 * 3600,'}
