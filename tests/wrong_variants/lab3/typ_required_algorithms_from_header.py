"""Tokens must carry typ "at+jwt", but jwt.decode gets algorithms=[the token's own alg]: a forgery with the app's
header under HS512 passes (one that said typ "JWT" would be refused for the wrong reason)."""
TARGET = "check_alg_none"
EDITS = {
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256")':
    '    return jwt.encode(claims, SECRET_KEY, algorithm="HS256", headers={"typ": "at+jwt"})',
    'claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"],':
    'if jwt.get_unverified_header(token).get("typ") != "at+jwt":\n'
    '            return None\n'
    '        claims = jwt.decode(token, SECRET_KEY, algorithms=[jwt.get_unverified_header(token)["alg"]],',
}
