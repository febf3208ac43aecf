"""The 401 answer of /profile prints the key "for debugging": anyone can read it and mint tokens."""
TARGET = "check_key_secret"
EDITS = {
    '''    if claims is None:
        return {"error": "log in first: no valid access_token cookie"}, 401
    return {"message"''':
    '''    if claims is None:
        return {"error": "log in first: no valid access_token cookie", "key": SECRET_KEY.hex()}, 401
    return {"message"''',
}
