"""Tokens carry no iat claim."""
TARGET = "check_token"
EDITS = {
    '"iat": now, "exp": now + TOKEN_LIFETIME}': '"exp": now + TOKEN_LIFETIME}',
    'options={"require": ["exp", "iat", "sub"]}': 'options={"require": ["exp", "sub"]}',
}
