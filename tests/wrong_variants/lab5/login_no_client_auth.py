"""The token request sends client_id but no client secret (no client authentication)."""
TARGET = "check_login"
EDITS = {
    'auth=(client_id, client_secret), timeout=TIMEOUT, data={':
        'timeout=TIMEOUT, data={"client_id": client_id,',
}
