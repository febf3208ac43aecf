"""The course's reference servers: the three approaches of the article, done right.

    session_app()     session ID in an HttpOnly cookie, the data in a server-side store
    jwt_header_app()  a signed JWT sent back in ``Authorization: Bearer <token>``
    jwt_cookie_app()  the same JWT in an HttpOnly cookie, with CSRF protection and logout

All three answer the same routes, so clients, attacks and measurements can treat them alike:

    POST /login     JSON {"username", "password"}  -> 200, or 401 {"error": ...}
    GET  /profile                                   -> 200 {"user": ...}, or 401 {"error": ...}
    POST /settings  JSON {"email"}                  -> 200 (a state-changing request)
    POST /logout                                    -> 200; the old credential is refused afterwards

Every error is JSON with an ``error`` field, never an HTML page or a traceback.
The apps are labelled secure; the deliberately weak ones live in ``authlab.vulnerable``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask import Flask, jsonify, request

from authlab.client import CSRF_HEADER
from authlab.csrf import SAFE_METHODS, CsrfTokens, request_from_elsewhere
from authlab.stores import MemoryStore, SessionStore, new_session_id
from authlab.tokens import TokenError, TokenService, bearer_token
from authlab.users import Users
from authlab.webapp import AuthState, credentials, json_app, settings_route, unauthorized

SESSION_COOKIE = "session_id"
TOKEN_COOKIE = "access_token"
CSRF_COOKIE = "csrf_token"

__all__ = ["CSRF_COOKIE", "SESSION_COOKIE", "TOKEN_COOKIE", "cookie_name", "jwt_cookie_app", "jwt_header_app",
           "session_app"]


def _cookie_options(max_age: int | None, samesite: str) -> dict:
    # Secure whenever the request came over HTTPS; the course's loopback servers speak plain
    # HTTP, where a Secure cookie would never be sent back (browsers except for localhost).
    return {"httponly": True, "samesite": samesite, "secure": request.is_secure, "max_age": max_age, "path": "/"}


def cookie_name(base: str) -> str:
    """``__Host-<base>`` over HTTPS (``serve(app, https=True)``), else ``base``.

    A ``__Host-`` cookie is refused by browsers unless it is Secure, has ``Path=/`` and no
    ``Domain``: a sibling subdomain or a network attacker cannot plant one (ASVS 5.0 3.3.3).
    Over plain http it could not be set at all, so there the plain name stays.
    """
    return f"__Host-{base}" if request.is_secure else base


def _clear(response, base: str, samesite: str, httponly: bool = True) -> None:
    response.delete_cookie(cookie_name(base), path="/", httponly=httponly, samesite=samesite,
                           secure=request.is_secure)


# --- sessions -------------------------------------------------------------------------


def session_app(
    store: SessionStore | None = None,
    users: Users | None = None,
    *,
    idle_timeout: float = 30 * 60,
    absolute_timeout: float = 8 * 60 * 60,
    samesite: str = "Lax",
    clock: Callable[[], float] | None = None,
    name: str = "session-app",
) -> Flask:
    """Session authentication: a random ID in an HttpOnly cookie, everything else on the server.

    Sessions end after ``idle_timeout`` seconds without a request and ``absolute_timeout``
    after login, whichever comes first; the server enforces both. ``clock`` defaults to
    the store's clock, so a lesson can move time forward instead of sleeping.
    """
    store = store if store is not None else MemoryStore()
    clock = clock or store.clock
    state = AuthState(users=users or Users(), store=store)
    app = json_app(name, state)

    def current_user() -> str | None:
        sid = request.cookies.get(cookie_name(SESSION_COOKIE))
        if not sid:
            return None
        session = store.load(sid)
        if session is None:
            return None
        now = clock()
        if now - session["created"] >= absolute_timeout:
            store.delete(sid)
            return None
        session["seen"] = now
        store.save(sid, session, ttl=idle_timeout)  # sliding idle expiry
        return session["user"]

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        old_sid = request.cookies.get(cookie_name(SESSION_COOKIE))
        if old_sid:
            store.delete(old_sid)  # never keep an ID chosen before login (session fixation)
        sid = new_session_id()
        now = clock()
        store.save(sid, {"user": user, "created": now, "seen": now}, ttl=idle_timeout)
        response = jsonify(message="Logged in", user=user)
        response.set_cookie(cookie_name(SESSION_COOKIE), sid, **_cookie_options(int(idle_timeout), samesite))
        return response

    @app.get("/profile")
    def profile():
        user = current_user()
        if user is None:
            return unauthorized("Not logged in")
        return jsonify(user=user)

    @app.post("/logout")
    def logout():
        sid = request.cookies.get(cookie_name(SESSION_COOKIE))
        if sid:
            store.delete(sid)
        response = jsonify(message="Logged out")
        _clear(response, SESSION_COOKIE, samesite)
        return response

    settings_route(app, current_user, state)
    return app


# --- JWT --------------------------------------------------------------------------------


def _jwt_app(name: str, key, users: Users | None, lifetime: float,
             denylist: SessionStore | None) -> tuple[Flask, AuthState, TokenService]:
    """A JSON app with its token service, the keys exposed in its AuthState."""
    tokens = TokenService(key, lifetime, denylist)
    state = AuthState(users=users or Users(), denylist=denylist, signing_key=tokens.signing_key,
                      verifying_key=tokens.verifying_key, algorithm=tokens.algorithm, tokens=tokens)
    return json_app(name, state), state, tokens


def jwt_header_app(
    key: bytes | RSAPrivateKey | None = None,
    users: Users | None = None,
    *,
    lifetime: float = 15 * 60,
    denylist: SessionStore | None = None,
    name: str = "jwt-header-app",
) -> Flask:
    """JWT authentication with ``Authorization: Bearer``: the server stores nothing.

    Logout can only tell the client to forget the token, unless a ``denylist`` store is
    given: then the token's ``jti`` is refused until it expires (and the state is back).
    """
    app, state, tokens = _jwt_app(name, key, users, lifetime, denylist)

    def claims_or_none() -> dict | None:
        try:
            return tokens.verify(bearer_token())
        except TokenError:
            return None

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        return jsonify(token=tokens.issue(user), token_type="Bearer", expires_in=int(lifetime))

    @app.get("/profile")
    def profile():
        try:
            claims = tokens.verify(bearer_token())
        except TokenError as error:
            return unauthorized(str(error))
        return jsonify(user=claims["sub"])

    @app.post("/logout")
    def logout():
        claims = claims_or_none()
        if claims is not None:
            tokens.revoke(claims)
        revoked = claims is not None and denylist is not None
        return jsonify(message="Logged out" if revoked else "Forget your token: it stays valid until it expires")

    settings_route(app, lambda: (claims_or_none() or {}).get("sub"), state)
    return app


def jwt_cookie_app(
    key: bytes | RSAPrivateKey | None = None,
    users: Users | None = None,
    *,
    lifetime: float = 15 * 60,
    denylist: SessionStore | None = None,
    samesite: str = "Strict",
    name: str = "jwt-cookie-app",
) -> Flask:
    """The JWT in an HttpOnly cookie: JavaScript cannot read it, the browser sends it itself.

    Because the browser sends it itself, state-changing requests also need a CSRF token
    bound to this token's ``jti`` (authlab.csrf: OWASP's signed double submit), which login
    returns and puts in a readable cookie, echoed by the page in ``X-CSRF-Token``; a planted
    cookie with a matching header is refused. Requests whose ``Sec-Fetch-Site`` or ``Origin``
    says another site started them are refused too. Over HTTPS the cookies are ``__Host-``.
    Logout clears both cookies and puts the token's ``jti`` on a denylist (a MemoryStore
    unless one is given), so a copied cookie is refused afterwards.
    """
    denylist = denylist if denylist is not None else MemoryStore()
    app, state, tokens = _jwt_app(name, key, users, lifetime, denylist)

    csrf_tokens = CsrfTokens()

    def verified_claims() -> dict:
        token = request.cookies.get(cookie_name(TOKEN_COOKIE))
        if not token:
            raise TokenError(f"No token: log in first (no {cookie_name(TOKEN_COOKIE)} cookie)")
        return tokens.verify(token)

    @app.before_request
    def require_csrf_token():
        elsewhere = request_from_elsewhere(request.method, request.headers, request.host_url)
        if elsewhere:
            return jsonify(error=f"CSRF check failed: {elsewhere}"), 403
        if request.method in SAFE_METHODS or request.path == "/login":
            return None
        try:
            claims = verified_claims()
        except TokenError:
            return None  # no login to forge a request for: the route answers 401 itself
        if not csrf_tokens.valid(request.headers.get(CSRF_HEADER), claims["jti"]):
            return jsonify(error=f"CSRF check failed: send the csrf_token you got at login in {CSRF_HEADER} "
                                 f"(a value of your own, even in a matching cookie, is refused)"), 403
        return None

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        jti = secrets.token_urlsafe(16)
        csrf = csrf_tokens.issue(jti)
        response = jsonify(message="Logged in", user=user, csrf_token=csrf)
        response.set_cookie(cookie_name(TOKEN_COOKIE), tokens.issue(user, jti=jti),
                            **_cookie_options(int(lifetime), samesite))
        # Readable by the page's own script on purpose: it must copy it into the header.
        response.set_cookie(cookie_name(CSRF_COOKIE), csrf,
                            **{**_cookie_options(int(lifetime), samesite), "httponly": False})
        return response

    @app.get("/profile")
    def profile():
        try:
            claims = verified_claims()
        except TokenError as error:
            return unauthorized(str(error))
        return jsonify(user=claims["sub"])

    @app.post("/logout")
    def logout():
        try:
            tokens.revoke(verified_claims())
        except TokenError:
            pass  # logging out with a bad token still clears the cookies
        response = jsonify(message="Logged out")
        _clear(response, TOKEN_COOKIE, samesite)
        _clear(response, CSRF_COOKIE, samesite, httponly=False)
        return response

    def current_user() -> str | None:
        try:
            return verified_claims()["sub"]
        except TokenError:
            return None

    settings_route(app, current_user, state)
    return app
