"""Passwords are stored as one round of salted SHA-256: salted, but a GPU tries billions of guesses a second."""
TARGET = "check_passwords_hashed"
EDITS = {
    "USERS[username] = HASHER.hash(password)":
        "salt = secrets.token_hex(8)\n"
        "    USERS[username] = salt + '$' + __import__('hashlib').sha256((salt + password).encode()).hexdigest()",
    "not password_matches(stored, password)":
        "stored.split('$')[1] != __import__('hashlib').sha256((stored.split('$')[0] + password).encode()).hexdigest()",
}
