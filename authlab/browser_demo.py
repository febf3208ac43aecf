"""A site and a page on another site, for watching a real browser apply HttpOnly and SameSite.

``requests`` ignores HttpOnly and SameSite: only a browser enforces them. Serve the two apps, open them in
your browser (or drive one, as tests/browser/ does) and read ``server.log`` to see what arrived:

    site = authlab.serve(browser_demo.cookie_rules_app())
    other = authlab.serve(browser_demo.cross_site_form_app(site.url + "/transfer"))
    # sign in at site.url, then open other_site_url(other.url): localhost is another *site* than 127.0.0.1
    # (a different port alone is the same site), and its page submits a form to /transfer by itself
    browser_demo.cookies_received(site.log[-1])   # the cookies the browser sent with that form

At sign-in the site sets one session cookie per SameSite mode, each HttpOnly, and a readable CSRF token:

    session_strict  HttpOnly; SameSite=Strict        never sent on a request another site starts
    session_lax     HttpOnly; SameSite=Lax           sent when a link from elsewhere is followed, not on a POST
    session_none    HttpOnly; SameSite=None; Secure  sent whoever starts the request
    csrf_token      SameSite=Strict, not HttpOnly    the site's own page copies it into its forms

``POST /transfer`` changes state, so it needs a live session cookie *and* a CSRF token bound to that sign-in
(authlab.csrf: an HMAC under the site's key over the sign-in's ID, OWASP's signed double submit) in the form
field ``csrf_token`` or the ``X-CSRF-Token`` header; and no ``Sec-Fetch-Site``/``Origin`` saying another site
started it. Another site's form may bring ``session_none`` along but gets 403; so does a planted
``csrf_token`` cookie with a matching field, the naive double submit's hole.

Browsers treat http://127.0.0.1 and http://localhost as secure contexts and keep ``Secure`` cookies from them,
so this runs without HTTPS. (``requests`` never sends a Secure cookie over plain HTTP.) Every link and form is
relative, so the site also works behind jupyter-server-proxy at ``/proxy/<port>/``.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, redirect, request

from authlab.csrf import CsrfTokens, request_from_elsewhere
from authlab.server import Exchange
from authlab.stores import MemoryStore, new_session_id
from authlab.users import Users

SESSION_COOKIES = {"session_strict": "Strict", "session_lax": "Lax", "session_none": "None"}
CSRF_COOKIE = "csrf_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LIFETIME = 30 * 60

__all__ = ["cookie_rules_app", "cross_site_form_app", "other_site_url", "cookies_received", "SESSION_COOKIES"]

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto">
<h1>{title}</h1>
{body}
</body></html>"""

_DOCUMENT_COOKIE = """<p>This page's JavaScript sees <code>document.cookie</code> =
<code id="document-cookie"></code></p>
<script>document.getElementById("document-cookie").textContent = document.cookie || "(nothing)";</script>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    return Response(_PAGE.format(title=html.escape(title), body=body), status, mimetype="text/html")


def _login_form(message: str = "") -> str:
    note = f'<p id="message" style="color: #cf222e">{html.escape(message)}</p>' if message else ""
    return note + """<form method="post" action="login">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>"""


def _transfer_form(csrf: str) -> str:
    return f"""<form method="post" action="transfer">
<input type="hidden" name="{CSRF_FIELD}" value="{html.escape(csrf)}">
<label>To <input name="to" value="bob"></label> <label>Amount <input name="amount" value="10"></label>
<button type="submit">Transfer</button>
</form>
<form method="post" action="logout"><button type="submit">Sign out</button></form>"""


def _credentials() -> tuple[object, object]:
    """Username and password from the sign-in form, or from a JSON body."""
    data = request.get_json(silent=True) if request.is_json else request.form
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        return None, None
    return data.get("username"), data.get("password")


def cookie_rules_app(users: Users | None = None, *, name: str = "cookie-rules") -> Flask:
    """A small site with sign-in: HttpOnly session cookies in all three SameSite modes, and CSRF protection.

    ``app.extensions["authlab.transfers"]`` lists the transfers it carried out, as (user, to, amount).
    """
    users = users or Users()
    store = MemoryStore()
    tokens = CsrfTokens()
    transfers: list[tuple[str, str, str]] = []
    app = Flask(name)
    app.extensions["authlab.transfers"] = transfers

    def current_session() -> dict | None:
        for cookie in SESSION_COOKIES:
            session = store.load(request.cookies.get(cookie) or "")
            if session is not None:
                return session
        return None

    def current_user() -> str | None:
        session = current_session()
        return session["user"] if session else None

    def csrf_refusal(session: dict) -> str | None:
        elsewhere = request_from_elsewhere(request.method, request.headers, request.host_url)
        if elsewhere:
            return f"this request came from another site ({elsewhere})"
        sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, "")
        if not tokens.valid(sent, session["sign_in"]):
            return (f"the {CSRF_FIELD} form field (or {CSRF_HEADER} header) must carry the token this site issued "
                    f"at your sign-in (a cookie planted with a matching field does not pass)")
        return None

    def end_sessions() -> None:
        for cookie in SESSION_COOKIES:
            if request.cookies.get(cookie):
                store.delete(request.cookies[cookie])

    @app.get("/")
    def index():
        user = current_user()
        arrived = ", ".join(sorted(request.cookies)) or "(none)"
        if user is None:
            body = _login_form()
        else:
            body = f'<p>Signed in as <b id="user">{html.escape(user)}</b>.</p>'
            body += _transfer_form(request.cookies.get(CSRF_COOKIE, ""))
        body += f'<p>Cookies your browser sent: <code id="cookies-sent">{html.escape(arrived)}</code></p>'
        return _page("Cookie rules", body + _DOCUMENT_COOKIE)

    @app.post("/login")
    def login():
        user = users.authenticate(*_credentials())
        if user is None:
            return _page("Cookie rules", _login_form("Wrong username or password."), 401)
        end_sessions()  # a fresh ID for each cookie at every sign-in: no session fixation
        response = redirect("./", code=303)  # relative, so it stays under /proxy/<port>/
        sign_in = new_session_id()  # what the CSRF token is bound to; it never leaves the server
        for cookie, samesite in SESSION_COOKIES.items():
            sid = new_session_id()
            store.save(sid, {"user": user, "sign_in": sign_in}, ttl=LIFETIME)
            # SameSite=None is refused by browsers unless the cookie is also Secure.
            response.set_cookie(cookie, sid, max_age=LIFETIME, path="/", httponly=True, samesite=samesite,
                                secure=samesite == "None")
        # Readable by this site's page on purpose: it copies the token into its forms.
        response.set_cookie(CSRF_COOKIE, tokens.issue(sign_in), max_age=LIFETIME, path="/", samesite="Strict")
        return response

    @app.post("/transfer")
    def transfer():
        session = current_session()
        if session is None:
            return _page("Not signed in", "<p>No live session cookie arrived with this request.</p>", 401)
        refusal = csrf_refusal(session)
        if refusal:
            return _page("Refused", f"<p>CSRF check failed: {html.escape(refusal)}.</p>", 403)
        user = session["user"]
        to, amount = request.form.get("to", ""), request.form.get("amount", "")
        transfers.append((user, to, amount))
        return _page("Done", f"<p>Sent {html.escape(amount)} to {html.escape(to)}.</p>"
                             '<p><a href="./">back</a></p>')

    @app.post("/logout")
    def logout():
        end_sessions()
        response = redirect("./", code=303)
        for cookie, samesite in SESSION_COOKIES.items():
            response.delete_cookie(cookie, path="/", httponly=True, samesite=samesite, secure=samesite == "None")
        response.delete_cookie(CSRF_COOKIE, path="/", samesite="Strict")
        return response

    return app


def cross_site_form_app(target: str, fields: dict[str, str] | None = None, *, auto_submit: bool = True,
                        name: str = "cross-site-form") -> Flask:
    """ATTACKER demo: a page on another site whose form POSTs to ``target``, by itself unless ``auto_submit=False``.

    ``fields`` are the form's hidden inputs (default: a transfer of 1000 to mallory). The page cannot read
    the target site's cookies, so it cannot include their CSRF token.
    """
    fields = {"to": "mallory", "amount": "1000"} if fields is None else fields
    app = Flask(name)

    @app.get("/")
    def page():
        inputs = "".join(f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
                         for key, value in fields.items())
        body = (f"<p>This page is on another site. Its form goes to <code>{html.escape(target)}</code>; which "
                f"cookies travel with it is up to your browser.</p>"
                f'<form id="cross-site" method="post" action="{html.escape(target)}">{inputs}'
                f'<button type="submit">Submit</button></form>')
        if auto_submit:
            body += '<script>document.getElementById("cross-site").submit();</script>'
        return _page("Another site", body)

    return app


def other_site_url(url: str) -> str:
    """The same server as another *site*: ``http://127.0.0.1:P/...`` becomes ``http://localhost:P/...``."""
    parts = urlsplit(url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"expected a URL on 127.0.0.1 (a server's .url), got {url!r}")
    return urlunsplit(parts._replace(netloc=f"localhost:{parts.port}" if parts.port else "localhost"))


def cookies_received(exchange: Exchange) -> dict[str, str]:
    """The cookies a request brought, by name, from the ``Cookie`` header in the server's log."""
    header = exchange.request_headers.get("Cookie", "")
    pairs = (part.strip().partition("=") for part in header.split(";"))
    return {name: value for name, sep, value in pairs if sep}
