"""/profile shows name and email but not sub."""
TARGET = "check_login"
EDITS = {
    'for name in ("sub", "name", "email")':
        'for name in ("name", "email")',
}
