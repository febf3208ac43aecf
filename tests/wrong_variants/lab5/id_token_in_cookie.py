"""The ID token goes to the browser in a cookie of its own (HttpOnly, but the browser holds it)."""
TARGET = "check_session_cookie"
EDITS = {
    ('        response.delete_cookie(FLOW_COOKIE, path="/")\n'
     '        return response'):
        ('        with_cookie(response, "id_token", tokens["id_token"], SESSION_LIFETIME)\n'
         '        response.delete_cookie(FLOW_COOKIE, path="/")\n'
         '        return response'),
}
