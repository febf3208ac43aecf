"""Passwords are stored as plain text and compared with ==."""
TARGET = "check_passwords_hashed"
EDITS = {
    "USERS[username] = HASHER.hash(password)": "USERS[username] = password",
    "not password_matches(stored, password)": "stored != password",
}
