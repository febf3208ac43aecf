"""The cookie is read with request.cookies[...], so a request without it crashes with KeyError."""
TARGET = "check_bad_cookies"
EDITS = {
    '''    token = request.cookies.get(TOKEN_COOKIE)
    return verify_token(token) if token else None''':
    '''    return verify_token(request.cookies[TOKEN_COOKIE])''',
}
