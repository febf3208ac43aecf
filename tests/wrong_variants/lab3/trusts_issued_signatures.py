"""The server remembers the signatures it issued and then trusts whatever payload comes with one."""
TARGET = "check_tampered"
EDITS = {
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256")':
    '    token = jwt.encode(claims, SECRET_KEY, algorithm="HS256")\n'
    '    ISSUED.add(token.rsplit(".", 1)[-1])\n'
    '    return token',
    '        claims = jwt.decode(token, SECRET_KEY,':
    '        if token.rsplit(".", 1)[-1] in ISSUED:\n'
    '            claims = jwt.decode(token, options={"verify_signature": False})\n'
    '        else:\n'
    '            claims = jwt.decode(token, SECRET_KEY,',
    "def issue_token(username: str) -> str:": "ISSUED = set()\n\n\ndef issue_token(username: str) -> str:",
}
