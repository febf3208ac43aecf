"""Correct: tokens carry typ "at+jwt" (RFC 9068) and a header field of the app's own, and the app refuses tokens
without both; forgeries copy the whole header, so they are refused for the reason each probe is about."""
TARGET = None
EDITS = {
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256")':
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256", headers={"typ": "at+jwt", "app": "lab2"})',
    "        claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"],":
    "        header = jwt.get_unverified_header(token)\n"
    "        if header.get(\"typ\") != \"at+jwt\" or header.get(\"app\") != \"lab2\":\n"
    "            return None\n"
    "        claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"],",
}
