"""Tokens must carry typ "at+jwt", and the key comes from the token's own jwk header when there is one: a forgery
with the app's header and an embedded key passes."""
TARGET = "check_key_headers"
EDITS = {
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256")':
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256", headers={"typ": "at+jwt"})',
    "        claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"],":
    "        header = jwt.get_unverified_header(token)\n"
    "        if header.get(\"typ\") != \"at+jwt\":\n"
    "            return None\n"
    "        key = jwt.PyJWK(header[\"jwk\"], algorithm=\"HS256\").key if header.get(\"jwk\") else SECRET_KEY\n"
    "        claims = jwt.decode(token, key, algorithms=[\"HS256\"],",
}
