"""state is 8 hex characters (32 bits): an attacker can guess it."""
TARGET = "check_authorize"
EDITS = {
    '"state": secrets.token_urlsafe(32)':
        '"state": secrets.token_hex(4)',
}
