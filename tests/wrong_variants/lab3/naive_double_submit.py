"""The naive double submit (header equals cookie, compared in constant time): a planted csrf_token cookie passes."""
TARGET = "check_csrf"
EDITS = {
    '''    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    claims = current_claims()
    if claims is None:
        return True  # no valid login rides along, so there is nothing to forge: the view answers 401
    header = request.headers.get(CSRF_HEADER, "")
    return hmac.compare_digest(csrf_token_for(claims["jti"]).encode(), header.encode())''':
    '''    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), header.encode())''',
}
