"""Passwords are stored as a bare SHA-256 digest: no salt, equal passwords give equal hashes."""
TARGET = "check_passwords_hashed"
EDITS = {
    "USERS[username] = generate_password_hash(password)":
        "USERS[username] = __import__('hashlib').sha256(password.encode()).hexdigest()",
    "not check_password_hash(stored, password)":
        "stored != __import__('hashlib').sha256(password.encode()).hexdigest()",
}
