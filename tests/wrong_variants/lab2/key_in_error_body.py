"""The 401 answer of /profile prints the key "for debugging": anyone can read it and mint tokens."""
TARGET = "check_key_secret"
EDITS = {
    'return {"error": "send a valid token: Authorization: Bearer <token>"}, 401':
    'return {"error": "send a valid token: Authorization: Bearer <token>", "debug": SECRET_KEY.hex()}, 401',
}
