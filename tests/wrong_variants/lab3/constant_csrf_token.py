"""Every login gets the same CSRF token, which an attacker can simply send."""
TARGET = "check_csrf"
EDITS = {'    return hmac.new(CSRF_KEY, f"csrf:{jti}".encode(), hashlib.sha256).hexdigest()': '    return "csrf"'}
