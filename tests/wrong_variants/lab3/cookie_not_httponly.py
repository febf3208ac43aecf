"""The token cookie lacks HttpOnly, so any script on the page can read the token."""
TARGET = "check_cookie_flags"
EDITS = {
    "response.set_cookie(TOKEN_COOKIE, token, httponly=True, **options)":
    "response.set_cookie(TOKEN_COOKIE, token, **options)",
}
