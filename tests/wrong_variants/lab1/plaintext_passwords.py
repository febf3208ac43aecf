"""Passwords are stored as plain text and compared with ==."""
TARGET = "check_passwords_hashed"
EDITS = {
    "USERS[username] = generate_password_hash(password)": "USERS[username] = password",
    "not check_password_hash(stored, password)": "stored != password",
}
