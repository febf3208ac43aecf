"""jwt.decode gets algorithms=[the token's own alg]: PyJWT still refuses "none", but SECRET_KEY under HS512 passes."""
TARGET = "check_alg_none"
EDITS = {
    'claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"],':
    'claims = jwt.decode(token, SECRET_KEY, algorithms=[jwt.get_unverified_header(token)["alg"]],',
}
