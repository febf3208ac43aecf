"""credential_bytes counts every cookie in the jar, those of other sites included."""
TARGET = "check_wire_bytes"
EDITS = {
    '    prepared = client.prepare_request(requests.Request("GET", url))\n':
    '    prepared = client.prepare_request(requests.Request("GET", url))\n'
    '    if client.cookies:\n'
    '        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies)\n'
    '        prepared.headers["Cookie"] = cookies\n',
}
