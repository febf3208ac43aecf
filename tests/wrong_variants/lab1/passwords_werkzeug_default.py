"""Passwords are hashed with Werkzeug's default, scrypt N=2^15: salted and slow, but below OWASP's minimum."""
TARGET = "check_passwords_hashed"
EDITS = {
    "USERS[username] = HASHER.hash(password)":
        "USERS[username] = __import__('werkzeug.security').security.generate_password_hash(password)",
    "not password_matches(stored, password)":
        "not __import__('werkzeug.security').security.check_password_hash(stored, password)",
}
