"""The Authorization header is split without checking it, so a missing or short header crashes the view."""
TARGET = "check_bad_headers"
EDITS = {
    '''    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme == "Bearer" else None''':
    '''    return request.headers["Authorization"].split(" ")[1] or None''',
}
