"""csrf_ok() accepts every request: another site can change the user's settings."""
TARGET = "check_csrf"
EDITS = {
    '''    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), header.encode())''':
    '''    return True''',
}
