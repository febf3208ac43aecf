"""credential_bytes reads client.headers only, so cookies in the jar are missed."""
TARGET = "check_wire_bytes"
EDITS = {
    '    prepared = client.prepare_request(requests.Request("GET", url))\n'
    '    return sum(len(f"{name}: {prepared.headers[name]}\\r\\n".encode("latin-1"))\n'
    '               for name in ("Cookie", "Authorization") if name in prepared.headers)':
    '    return sum(len(f"{name}: {client.headers[name]}\\r\\n".encode("latin-1"))\n'
    '               for name in ("Cookie", "Authorization") if name in client.headers)',
}
