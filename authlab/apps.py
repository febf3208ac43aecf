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

import dataclasses
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.security import check_password_hash, generate_password_hash

from authlab import wire
from authlab.stores import MemoryStore, SessionStore, new_session_id

DEMO_USERS = {"alice": "secret123", "bob": "correct horse battery staple"}
SESSION_COOKIE = "session_id"
TOKEN_COOKIE = "access_token"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
ISSUER = "authlab"
AUDIENCE = "authlab-api"


class Users:
    """Usernames and password hashes (scrypt, salted); plain passwords are never kept."""

    def __init__(self, passwords: dict[str, str] | None = None):
        self._hashes = {
            name: generate_password_hash(password)
            for name, password in (DEMO_USERS if passwords is None else passwords).items()
        }
        # Checked against unknown users too, so a wrong username costs as long as a wrong password.
        self._dummy_hash = generate_password_hash(secrets.token_urlsafe(16))

    def authenticate(self, username: Any, password: Any) -> str | None:
        """The username when the password matches its hash, else None."""
        if not isinstance(username, str) or not isinstance(password, str):
            return None
        stored = self._hashes.get(username, self._dummy_hash)
        if check_password_hash(stored, password) and username in self._hashes:
            return username
        return None

    def __contains__(self, username: str) -> bool:
        return username in self._hashes


@dataclasses.dataclass
class AuthState:
    """What a reference app keeps, exposed for lessons and measurements as ``app.extensions["authlab"]``."""

    users: Users
    store: SessionStore | None = None
    denylist: SessionStore | None = None
    signing_key: Any = None
    verifying_key: Any = None
    algorithm: str | None = None
    settings: dict[str, dict] = dataclasses.field(default_factory=dict)


def state_of(app: Flask) -> AuthState:
    """The AuthState of a reference app (its store, keys and users)."""
    return app.extensions["authlab"]


def json_app(name: str, state: AuthState | None = None) -> Flask:
    """A Flask app whose every error is JSON ``{"error": ...}``, never an HTML page or a traceback."""
    app = Flask(name)
    if state is not None:
        app.extensions["authlab"] = state

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        return jsonify(error="internal error"), 500

    return app


def credentials() -> tuple[Any, Any]:
    """``username`` and ``password`` of a JSON request body; (None, None) when there is none."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, None
    return body.get("username"), body.get("password")


def unauthorized(message: str):
    return jsonify(error=message), 401


def _cookie_options(max_age: int | None, samesite: str) -> dict:
    # Secure whenever the request came over HTTPS; the course's loopback servers speak plain
    # HTTP, where a Secure cookie would never be sent back (browsers except for localhost).
    return {"httponly": True, "samesite": samesite, "secure": request.is_secure, "max_age": max_age, "path": "/"}


def _settings_route(app: Flask, who: Callable[[], str | None], state: AuthState) -> None:
    @app.post("/settings")
    def settings():
        user = who()
        if user is None:
            return unauthorized("Not logged in")
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("email"), str):
            return jsonify(error='send JSON: {"email": "..."}'), 400
        state.settings[user] = {"email": body["email"]}
        return jsonify(user=user, email=body["email"])


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
        sid = request.cookies.get(SESSION_COOKIE)
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
        old_sid = request.cookies.get(SESSION_COOKIE)
        if old_sid:
            store.delete(old_sid)  # never keep an ID chosen before login (session fixation)
        sid = new_session_id()
        now = clock()
        store.save(sid, {"user": user, "created": now, "seen": now}, ttl=idle_timeout)
        response = jsonify(message="Logged in", user=user)
        response.set_cookie(SESSION_COOKIE, sid, **_cookie_options(int(idle_timeout), samesite))
        return response

    @app.get("/profile")
    def profile():
        user = current_user()
        if user is None:
            return unauthorized("Not logged in")
        return jsonify(user=user)

    @app.post("/logout")
    def logout():
        sid = request.cookies.get(SESSION_COOKIE)
        if sid:
            store.delete(sid)
        response = jsonify(message="Logged out")
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite=samesite)
        return response

    _settings_route(app, current_user, state)
    return app


# --- JWT --------------------------------------------------------------------------------


class TokenError(Exception):
    """A token was refused; the message says why, in words fit for a 401 body."""


def decode_access_token(token: str, key: Any, algorithm: str) -> dict:
    """The claims of one of the course's access tokens, every check on; TokenError otherwise."""
    try:
        return jwt.decode(
            token, key,
            algorithms=[algorithm],  # pinned: the token's own "alg" header is not trusted
            issuer=ISSUER, audience=AUDIENCE,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("Token expired") from None
    except jwt.InvalidTokenError as error:
        raise TokenError(f"Invalid token: {error}") from None


class TokenService:
    """Issues and verifies the course's access tokens, with every check pinned.

    HS256 with a 256-bit random key by default; pass an RSA private key for RS256, in
    which case verification needs only the public half.
    """

    def __init__(self, key: bytes | RSAPrivateKey | None = None, lifetime: float = 15 * 60,
                 denylist: SessionStore | None = None):
        if key is None:
            key = secrets.token_bytes(32)
        if isinstance(key, RSAPrivateKey):
            self.algorithm, self.signing_key, self.verifying_key = "RS256", key, key.public_key()
        else:
            self.algorithm, self.signing_key, self.verifying_key = "HS256", key, key
        self.lifetime = lifetime
        self.denylist = denylist

    def issue(self, user: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {"sub": user, "iat": now, "exp": now + int(self.lifetime), "iss": ISSUER, "aud": AUDIENCE,
                   "jti": secrets.token_urlsafe(16), **claims}
        return jwt.encode(payload, self.signing_key, algorithm=self.algorithm)

    def verify(self, token: str) -> dict:
        """The claims of a valid token; raises TokenError saying what is wrong otherwise."""
        claims = decode_access_token(token, self.verifying_key, self.algorithm)
        if self.denylist is not None and claims["jti"] in self.denylist:
            raise TokenError("Token revoked")
        return claims

    def revoke(self, claims: dict) -> None:
        """Deny this token's ``jti`` until it would have expired anyway."""
        if self.denylist is not None:
            self.denylist.save(claims["jti"], {"sub": claims["sub"]}, ttl=max(1, claims["exp"] - time.time()))


def bearer_token() -> str:
    """The request's ``Authorization: Bearer`` token; TokenError saying what is wrong otherwise."""
    try:
        return wire.bearer_token(request.headers.get("Authorization"))
    except wire.BearerError as error:
        raise TokenError(str(error)) from None


def _jwt_app(name: str, key, users: Users | None, lifetime: float,
             denylist: SessionStore | None) -> tuple[Flask, AuthState, TokenService]:
    """A JSON app with its token service, the keys exposed in its AuthState."""
    tokens = TokenService(key, lifetime, denylist)
    state = AuthState(users=users or Users(), denylist=denylist, signing_key=tokens.signing_key,
                      verifying_key=tokens.verifying_key, algorithm=tokens.algorithm)
    app = json_app(name, state)
    app.extensions["authlab.tokens"] = tokens
    return app, state, tokens


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

    _settings_route(app, lambda: (claims_or_none() or {}).get("sub"), state)
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

    Because the browser sends it itself, state-changing requests also need the CSRF token
    (double submit: a second, readable cookie echoed in the ``X-CSRF-Token`` header).
    Logout clears both cookies and puts the token's ``jti`` on a denylist (a MemoryStore
    unless one is given), so a copied cookie is refused afterwards.
    """
    denylist = denylist if denylist is not None else MemoryStore()
    app, state, tokens = _jwt_app(name, key, users, lifetime, denylist)

    def verified_claims() -> dict:
        token = request.cookies.get(TOKEN_COOKIE)
        if not token:
            raise TokenError(f"No token: log in first (no {TOKEN_COOKIE} cookie)")
        return tokens.verify(token)

    def csrf_ok() -> bool:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        header = request.headers.get(CSRF_HEADER, "")
        return bool(cookie) and hmac.compare_digest(cookie.encode(), header.encode())

    @app.before_request
    def require_csrf_token():
        if request.method in ("GET", "HEAD", "OPTIONS") or request.path == "/login":
            return None
        if not csrf_ok():
            return jsonify(error=f"CSRF check failed: send the {CSRF_COOKIE} cookie's value in {CSRF_HEADER}"), 403
        return None

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        csrf = secrets.token_urlsafe(32)
        response = jsonify(message="Logged in", user=user, csrf_token=csrf)
        response.set_cookie(TOKEN_COOKIE, tokens.issue(user), **_cookie_options(int(lifetime), samesite))
        # Readable by the page's own script on purpose: it must copy it into the header.
        response.set_cookie(CSRF_COOKIE, csrf, **{**_cookie_options(int(lifetime), samesite), "httponly": False})
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
        response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite=samesite)
        response.delete_cookie(CSRF_COOKIE, path="/", samesite=samesite)
        return response

    def current_user() -> str | None:
        try:
            return verified_claims()["sub"]
        except TokenError:
            return None

    _settings_route(app, current_user, state)
    return app


def login(client, base_url: str, username: str = "alice", password: str | None = None):
    """Log ``client`` (a requests.Session) in to a reference app; returns the response.

    For the header app it also sets ``Authorization`` on the session; for the cookie app
    it sets the CSRF header, as the page's own JavaScript would.
    """
    password = DEMO_USERS[username] if password is None else password
    response = client.post(f"{base_url}/login", json={"username": username, "password": password}, timeout=10)
    if response.ok:
        body = response.json()
        if "token" in body:
            client.headers["Authorization"] = f"Bearer {body['token']}"
        if "csrf_token" in body:
            client.headers[CSRF_HEADER] = body["csrf_token"]
    return response
