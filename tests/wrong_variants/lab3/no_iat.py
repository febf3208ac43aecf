"""Tokens carry no iat claim."""
TARGET = "check_token"
EDITS = {'"iat": now, "exp"': '"exp"', '["exp", "iat", "sub", "jti"]})': '["exp", "sub", "jti"]})'}
