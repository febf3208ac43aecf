"""/settings trusts the CSRF check alone and crashes when there is no token cookie."""
TARGET = "check_bad_cookies"
EDITS = {
    '''    claims = current_claims()
    if claims is None:
        return {"error": "log in first: no valid access_token cookie"}, 401
    data = request.get_json(silent=True)''':
    '''    claims = current_claims()
    data = request.get_json(silent=True)''',
}
