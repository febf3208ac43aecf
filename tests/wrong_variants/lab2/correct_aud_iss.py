"""Correct: tokens carry aud and iss, and verify_token requires and checks both."""
TARGET = None
EDITS = {
    'claims = {"sub": username, "iat": now, "exp": now + TOKEN_LIFETIME}':
    'claims = {"sub": username, "iat": now, "exp": now + TOKEN_LIFETIME, "aud": "lab2-api", "iss": "lab2-login"}',
    'options={"require": ["exp", "iat", "sub"]})':
    'audience="lab2-api", issuer="lab2-login",\n'
    '                            options={"require": ["exp", "iat", "sub", "aud", "iss"]})',
}
