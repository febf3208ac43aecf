"""The cookies are kept for thirty days while the token dies after fifteen minutes."""
TARGET = "check_cookie_flags"
EDITS = {'options = {"max_age": TOKEN_LIFETIME,': 'options = {"max_age": 30 * 24 * 3600,'}
