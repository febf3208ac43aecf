"""Correct: CSRF refused by Fetch Metadata and Origin alone (no token); the page's own requests pass."""
TARGET = None
EDITS = {
    '''    if request.headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
        return False
    claims = current_claims()
    if claims is None:
        return True  # no valid login rides along, so there is nothing to forge: the view answers 401
    header = request.headers.get(CSRF_HEADER, "")
    return hmac.compare_digest(csrf_token_for(claims["jti"]).encode(), header.encode())''':
    '''    origin = request.headers.get("Origin", request.host_url.rstrip("/"))
    return request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin" and \\
        origin == request.host_url.rstrip("/")''',
}
