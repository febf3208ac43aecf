"""Correct: the CSRF token is a claim of the JWT, handed to the page in the login's body; no CSRF cookie."""
TARGET = None
EDITS = {
    '"jti": secrets.token_urlsafe(16)}': '"jti": secrets.token_urlsafe(16), "csrf": secrets.token_urlsafe(32)}',
    "    response.set_cookie(CSRF_COOKIE, csrf_token_for(verify_token(token)[\"jti\"]), **options)\n": "",
    'return hmac.compare_digest(csrf_token_for(claims["jti"]).encode(), header.encode())':
    'return hmac.compare_digest(claims["csrf"].encode(), header.encode())',
    '''    response = jsonify(message=f"Logged in as {data['username']}")
    set_login_cookies(response, issue_token(data["username"]))''':
    '''    token = issue_token(data["username"])
    response = jsonify(message=f"Logged in as {data['username']}", csrf_token=verify_token(token)["csrf"])
    set_login_cookies(response, token)''',
}
