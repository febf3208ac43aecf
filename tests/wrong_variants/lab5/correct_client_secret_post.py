"""Correct: client_secret_post (the secret in the token request's form) instead of HTTP Basic."""
TARGET = None
EDITS = {
    'auth=(client_id, client_secret), timeout=TIMEOUT, data={':
        'timeout=TIMEOUT, data={"client_id": client_id, "client_secret": client_secret,',
}
