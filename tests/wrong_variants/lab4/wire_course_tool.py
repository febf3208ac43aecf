"""credential_bytes calls the course tool's wire_bytes, which also counts the X-CSRF-Token header."""
TARGET = "check_wire_bytes"
EDITS = {
    '    prepared = client.prepare_request(requests.Request("GET", url))\n'
    '    return sum(len(f"{name}: {prepared.headers[name]}\\r\\n".encode("latin-1"))\n'
    '               for name in ("Cookie", "Authorization") if name in prepared.headers)':
    '    from authlab.compare.storage import wire_bytes\n\n'
    '    return wire_bytes("any", client, url).credential_bytes',
}
