"""The cookie is read with request.cookies[...], so a request without it gets a 400 error page, not a 401."""
TARGET = "check_bad_cookies"
EDITS = {
    '''    token = request.cookies.get(TOKEN_COOKIE)
    return verify_token(token) if token else None''':
    '''    return verify_token(request.cookies[TOKEN_COOKIE])''',
}
