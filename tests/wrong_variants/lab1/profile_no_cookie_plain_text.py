"""/profile without any cookie is refused with plain text, not a JSON error."""
TARGET = "check_requires_session"
EDITS = {
    "    username = current_user(request.cookies.get(COOKIE_NAME))\n":
    "    if COOKIE_NAME not in request.cookies:\n        return 'log in first', 401\n"
    "    username = current_user(request.cookies.get(COOKIE_NAME))\n",
}
