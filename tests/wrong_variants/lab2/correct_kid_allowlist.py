"""Correct: tokens name their key by kid, looked up in the server's own table of keys (never taken from the token)."""
TARGET = None
EDITS = {
    "def issue_token(username: str) -> str:":
    'KEYS = {"2026-12": SECRET_KEY}\n\n\ndef issue_token(username: str) -> str:',
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256")':
    '    return jwt.encode(claims, KEYS["2026-12"], algorithm="HS256", headers={"kid": "2026-12"})',
    "        claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"],":
    "        kid = jwt.get_unverified_header(token).get(\"kid\")\n"
    "        key = KEYS.get(kid) if isinstance(kid, str) else None\n"
    "        if key is None:\n"
    "            return None\n"
    "        claims = jwt.decode(token, key, algorithms=[\"HS256\"],",
}
