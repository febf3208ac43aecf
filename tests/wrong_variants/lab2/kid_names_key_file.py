"""The key is read from the file the token's kid header names, so a token signed with a public file's content passes."""
TARGET = "check_key_headers"
EDITS = {
    "        claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"],":
    "        kid = jwt.get_unverified_header(token).get(\"kid\")\n"
    "        key = open(kid, \"rb\").read() if kid else SECRET_KEY\n"
    "        claims = jwt.decode(token, key, algorithms=[\"HS256\"],",
}
