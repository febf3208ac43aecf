"""csrf_ok() compares the header with the cookie using ==: a planted cookie and header pass (and None == None)."""
TARGET = "check_csrf"
EDITS = {
    '''    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    claims = current_claims()
    if claims is None:
        return True  # no valid login rides along, so there is nothing to forge: the view answers 401
    header = request.headers.get(CSRF_HEADER, "")
    return hmac.compare_digest(csrf_token_for(claims["jti"]).encode(), header.encode())''':
    '''    return request.headers.get(CSRF_HEADER) == request.cookies.get(CSRF_COOKIE)''',
}
