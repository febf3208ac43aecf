"""The provider's few HTML pages: sign in, consent, confirm sign-out, signed out.

Plain forms with no script, so ``requests`` can fill them in as well as a browser. Each form
posts back to the URL it was served from (no ``action``), which keeps the authorization
request's query string and works behind jupyter-server-proxy.
"""

from __future__ import annotations

from html import escape

from flask import Response

CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto}}
label,input,button{{display:block;margin:.4rem 0}} .error{{color:#b00020}}</style></head>
<body><h1>{title}</h1>{body}</body></html>"""


def page(title: str, body: str, status: int = 200) -> Response:
    response = Response(_PAGE.format(title=escape(title), body=body), status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"  # no clickjacking of the sign-in form
    # No form-action: Chromium applies it to the redirect that answers the form, which goes to the client.
    response.headers["Content-Security-Policy"] = CSP
    return response


def login_page(client_name: str, error: str = "", status: int = 200) -> Response:
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = f"""<p>Sign in to continue to <strong>{escape(client_name)}</strong>.</p>{message}
<form method="post">
<label>Username <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>"""
    return page("Sign in", body, status)


def consent_page(client_name: str, user: str, scope: str) -> Response:
    items = "".join(f"<li><code>{escape(s)}</code></li>" for s in scope.split())
    body = f"""<p>Signed in as <strong>{escape(user)}</strong>.
<strong>{escape(client_name)}</strong> asks for:</p><ul>{items}</ul>
<form method="post"><button name="consent" value="allow">Allow</button>
<button name="consent" value="deny">Deny</button></form>"""
    return page("Allow access?", body)


def logout_confirm_page() -> Response:
    return page("Sign out?", '<form method="post"><button name="confirm" value="yes">Sign out</button></form>')


def signed_out_page() -> Response:
    return page("Signed out", "<p>You are signed out of the provider.</p>")

