"""Deliberately vulnerable session and cookie servers, one flaw each. Loopback demos for lesson 06 only.

They answer the course's routes (POST /login, GET /profile, POST /settings, POST /logout)
with a session cookie, plus ``GET /`` (a landing page that may hand visitors a session
before they log in). Each docstring says what is wrong and what fixes it.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable

from flask import Flask, jsonify, request, session

from authlab.apps import SESSION_COOKIE, TOKEN_COOKIE
from authlab.stores import MemoryStore, new_session_id
from authlab.tokens import TokenError, TokenService
from authlab.users import Users
from authlab.vulnerable._common import json_body, vulnerable_app
from authlab.weak import weakness
from authlab.webapp import AuthState, credentials, settings_response, settings_route, unauthorized

IDLE_TIMEOUT = 30 * 60


def _session_app(name: str, users: Users | None, *, new_id: Callable[[], str] = new_session_id,
                 anonymous_sessions: bool = False, regenerate_at_login: bool = True,
                 logout_on_server: bool = True, samesite: str | None = "Lax", accept_forms: bool = False) -> Flask:
    """The course's session login with one safeguard switched off by the caller."""
    store = MemoryStore()
    state = AuthState(users=users or Users(), store=store)
    app = vulnerable_app(name, state)

    def live_sid() -> str | None:
        sid = request.cookies.get(SESSION_COOKIE)
        return sid if sid and store.load(sid) is not None else None

    def current_user() -> str | None:
        sid = live_sid()
        return store.load(sid).get("user") if sid else None

    def with_cookie(response, sid: str):
        response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite=samesite, max_age=IDLE_TIMEOUT, path="/")
        return response

    @app.get("/")
    def landing():
        response = jsonify(message="Welcome! Log in with POST /login")
        if anonymous_sessions and live_sid() is None:  # a session (say, a shopping cart) for every visitor
            sid = new_id()
            store.save(sid, {"user": None}, ttl=IDLE_TIMEOUT)
            with_cookie(response, sid)
        return response

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        old_sid = live_sid()
        if old_sid and not regenerate_at_login:
            sid = old_sid  # the visitor's pre-login session simply becomes the logged-in one
        else:
            if old_sid:
                store.delete(old_sid)
            sid = new_id()
        store.save(sid, {"user": user}, ttl=IDLE_TIMEOUT)
        return with_cookie(jsonify(message="Logged in", user=user), sid)

    @app.get("/profile")
    def profile():
        user = current_user()
        return jsonify(user=user) if user else unauthorized("Not logged in")

    @app.post("/settings")
    def settings():
        body = json_body() or (request.form.to_dict() if accept_forms else {})
        return settings_response(state, current_user(), body)

    @app.post("/logout")
    def logout():
        sid = request.cookies.get(SESSION_COOKIE)
        if sid and logout_on_server:
            store.delete(sid)
        response = jsonify(message="Logged out")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return app


def _id_generator(scheme: str) -> Callable[[], str]:
    if scheme == "counter":
        counter = itertools.count(1001)
        return lambda: str(next(counter))
    if scheme == "time":
        return lambda: str(time.time_ns() // 1_000_000)
    if scheme == "random":
        rng, lock = random.Random(), threading.Lock()

        def next_id() -> str:
            with lock:
                return f"{rng.getrandbits(128):032x}"

        return next_id
    raise ValueError(f"scheme must be 'counter', 'time' or 'random', not {scheme!r}")


def predictable_session_app(scheme: str = "random", users: Users | None = None) -> Flask:
    """VULNERABLE: session IDs an attacker can work out from the IDs they are given themselves.

    ``"counter"`` 1001, 1002, …; ``"time"`` milliseconds since 1970; ``"random"`` 128 bits
    from Python's ``random`` (a Mersenne Twister, like the article's ``Math.random()``): 156
    observed IDs give away its whole state, and every ID after them. Visitors get a session
    at ``GET /``, so observing costs nothing. CWE-330, CWE-338, CWE-340.
    Fix: ``secrets.token_urlsafe(32)``, as ``authlab.stores.new_session_id`` in
    ``authlab.apps.session_app`` (lesson 01).
    """
    return _session_app(f"VULNERABLE-session-{scheme}-ids", users, new_id=_id_generator(scheme),
                        anonymous_sessions=True)


def fixation_app(users: Users | None = None) -> Flask:
    """VULNERABLE: the session ID a visitor had before logging in stays their ID after it.

    An attacker takes an ID from ``GET /``, plants it in the victim's browser (a link, a
    subdomain cookie, a shared computer), waits for the login, and uses the same ID. CWE-384.
    Fix: issue a new ID at login and drop the old one, as ``authlab.apps.session_app``.
    """
    return _session_app("VULNERABLE-session-fixation", users, anonymous_sessions=True, regenerate_at_login=False)


def client_side_logout_app(users: Users | None = None) -> Flask:
    """VULNERABLE: logout deletes the cookie in the browser and nothing on the server.

    A copy of the cookie (stolen, or left on a shared computer) still works afterwards. CWE-613.
    Fix: delete the session from the store at logout, as ``authlab.apps.session_app``.
    """
    return _session_app("VULNERABLE-session-client-logout", users, logout_on_server=False)


def csrf_app(users: Users | None = None) -> Flask:
    """VULNERABLE: cookie login, and POST /settings takes any body the cookie comes with.

    The cookie has no SameSite attribute and /settings accepts an HTML form, so a page on
    another site can submit a form that changes the victim's email. CWE-352.
    Fix: a CSRF token the other site cannot read (``authlab.apps.jwt_cookie_app`` checks
    one), plus SameSite=Lax or Strict and JSON-only state changes.
    """
    return _session_app("VULNERABLE-session-csrf", users, samesite=None, accept_forms=True)


def flask_session_app(secret_key: str | bytes = "keyboard cat", users: Users | None = None) -> Flask:
    """VULNERABLE: Flask's own session, a cookie signed with ``SECRET_KEY``, here the article's ``"keyboard cat"``.

    The cookie holds the data itself; with a key from a wordlist anyone can sign
    ``{"user": "admin"}``. CWE-1391, CWE-321; CVE-2023-27524 (Apache Superset's default key).
    Fix: ``secrets.token_bytes(32)``. Even then logout cannot revoke a copied cookie (attack 11),
    which is why the name stays VULNERABLE; ``authlab.apps.session_app`` keeps sessions on the server.
    """
    state = AuthState(users=users or Users(), signing_key=secret_key)
    weak = weakness(secret_key) is not None
    app = vulnerable_app("VULNERABLE-flask-weak-secret" if weak else "VULNERABLE-flask-signed-session", state)
    app.secret_key = secret_key
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        session.clear()
        session["user"] = user
        return jsonify(message="Logged in", user=user)

    @app.get("/profile")
    def profile():
        user = session.get("user")
        return jsonify(user=user) if user else unauthorized("Not logged in")

    settings_route(app, lambda: session.get("user"), state)

    @app.post("/logout")
    def logout():
        session.clear()  # a new cookie for the browser; the old one still verifies
        return jsonify(message="Logged out")

    return app


def xss_app(users: Users | None = None) -> Flask:
    """VULNERABLE: the JWT sits in a cookie JavaScript can read, and GET /search echoes input into HTML.

    ``/search?q=<script>…</script>`` runs the attacker's script in the page, and the
    script reads ``document.cookie``, token included. CWE-79, CWE-1004.
    Fix: escape output (Jinja does by default, ``markupsafe.escape`` by hand) and keep the
    token in an HttpOnly cookie, as ``authlab.apps.jwt_cookie_app``.
    """
    tokens = TokenService(denylist=MemoryStore())
    state = AuthState(users=users or Users(), denylist=tokens.denylist, signing_key=tokens.signing_key,
                      verifying_key=tokens.verifying_key, algorithm=tokens.algorithm)
    app = vulnerable_app("VULNERABLE-xss-readable-token", state)

    def current_claims() -> dict:
        return tokens.verify(request.cookies.get(TOKEN_COOKIE, ""))

    @app.get("/search")
    def search():
        query = request.args.get("q", "")
        return f"<h1>Search</h1><p>No results for {query}</p>", 200, {"Content-Type": "text/html; charset=utf-8"}

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        response = jsonify(message="Logged in", user=user)
        # "The front-end needs the token", so the cookie is readable by any script on the page.
        response.set_cookie(TOKEN_COOKIE, tokens.issue(user), httponly=False, samesite="Lax", path="/")
        return response

    @app.get("/profile")
    def profile():
        try:
            return jsonify(user=current_claims()["sub"])
        except TokenError as error:
            return unauthorized(str(error))

    def current_user() -> str | None:
        try:
            return current_claims()["sub"]
        except TokenError:
            return None

    settings_route(app, current_user, state)

    @app.post("/logout")
    def logout():
        try:
            tokens.revoke(current_claims())
        except TokenError:
            pass
        response = jsonify(message="Logged out")
        response.delete_cookie(TOKEN_COOKIE, path="/")
        return response

    return app
