"""Every login gets the same CSRF token, which an attacker can simply send."""
TARGET = "check_csrf"
EDITS = {
    "response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32), **options)":
    'response.set_cookie(CSRF_COOKIE, "csrf", **options)',
}
