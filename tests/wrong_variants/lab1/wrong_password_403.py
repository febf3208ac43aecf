"""A failed login returns 403 instead of 401."""
TARGET = "check_bad_credentials"
EDITS = {'return {"error": "wrong username or password"}, 401': 'return {"error": "wrong username or password"}, 403'}
