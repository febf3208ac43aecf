"""The cookies are SameSite=None: every other site's requests carry them."""
TARGET = "check_cookie_flags"
EDITS = {'"path": "/", "samesite": "Strict", "secure"': '"path": "/", "samesite": "None", "secure"'}
