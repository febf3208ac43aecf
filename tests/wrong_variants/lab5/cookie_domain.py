"""The cookies carry a Domain attribute, so every subdomain gets them too."""
TARGET = "check_session_cookie"
EDITS = {
    'httponly=True, samesite="Lax", path="/")':
        'httponly=True, samesite="Lax", path="/", domain="localhost")',
}
