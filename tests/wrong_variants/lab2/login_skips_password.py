"""Login checks only that the user exists, never the password."""
TARGET = "check_bad_credentials"
EDITS = {
    '    if not password_ok(data.get("username"), data.get("password")):':
    '    if not isinstance(data.get("username"), str) or data["username"] not in USERS:',
}
