"""credential_bytes also counts the X-CSRF-Token header, as the course tool's wire_bytes does."""
TARGET = "check_wire_bytes"
EDITS = {
    '               for name in ("Cookie", "Authorization") if name in prepared.headers)':
    '               for name in ("Cookie", "Authorization", "X-CSRF-Token") if name in prepared.headers)',
}
