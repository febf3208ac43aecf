"""A failed login answers with plain text instead of a JSON error."""
TARGET = "check_bad_credentials"
EDITS = {'return {"error": "wrong username or password"}, 401': 'return "wrong username or password", 401'}
