"""csrf_ok() compares header and cookie with ==, so a request with neither passes (None == None)."""
TARGET = "check_csrf"
EDITS = {
    '''    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), header.encode())''':
    '''    return request.headers.get(CSRF_HEADER) == request.cookies.get(CSRF_COOKIE)''',
}
