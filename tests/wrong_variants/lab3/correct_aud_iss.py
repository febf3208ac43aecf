"""Correct: tokens carry aud and iss, and verify_token requires and checks both."""
TARGET = None
EDITS = {
    '"jti": secrets.token_urlsafe(16)}': '"jti": secrets.token_urlsafe(16), "aud": "lab3-api", "iss": "lab3-login"}',
    'options={"require": ["exp", "iat", "sub", "jti"]})':
    'audience="lab3-api", issuer="lab3-login",\n'
    '                            options={"require": ["exp", "iat", "sub", "jti", "aud", "iss"]})',
}
