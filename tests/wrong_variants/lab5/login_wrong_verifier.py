"""The token request sends a fresh verifier instead of the one of this login."""
TARGET = "check_login"
EDITS = {
    '"code_verifier": flow["verifier"]})':
        '"code_verifier": pkce_pair()[0]})',
}
