"""The key comes from the token's own jwk header when there is one (CVE-2018-0114): anyone signs their own tokens."""
TARGET = "check_key_headers"
EDITS = {
    "        claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"],":
    "        jwk = jwt.get_unverified_header(token).get(\"jwk\")\n"
    "        key = jwt.PyJWK(jwk, algorithm=\"HS256\").key if jwk else SECRET_KEY\n"
    "        claims = jwt.decode(token, key, algorithms=[\"HS256\"],",
}
