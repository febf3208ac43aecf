"""Passwords are hashed with argon2id at OWASP's cost but one fixed salt: equal passwords give equal hashes."""
TARGET = "check_passwords_hashed"
EDITS = {"USERS[username] = HASHER.hash(password)": 'USERS[username] = HASHER.hash(password, salt=b"fixed-salt-16byt")'}
