"""The server takes the algorithm from the token's header, so an unsigned alg "none" token passes."""
TARGET = "check_alg_none"
EDITS = {
    '''    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"],''':
    '''    try:
        alg = jwt.get_unverified_header(token).get("alg")
        if alg == "none":
            return jwt.decode(token, options={"verify_signature": False})
        claims = jwt.decode(token, SECRET_KEY, algorithms=[alg],''',
}
