"""Checks of lab 3, JWT in an HttpOnly cookie: each starts your app and talks to it over HTTP.

Your app offers ``POST /login`` (JSON ``{"username", "password"}``), which sets the
HS256 JWT in the ``access_token`` cookie and a CSRF token in the ``csrf_token``
cookie; ``GET /profile``; ``POST /settings`` (JSON ``{"email"}``), a state-changing
request that also needs the CSRF token echoed in the ``X-CSRF-Token`` header; and
``POST /logout``, which clears the cookie and denies the token's ``jti`` until it
expires. The checks create users with ``register``.
"""

from __future__ import annotations

import email.utils
import secrets
import time
from collections.abc import Callable
from http.cookies import Morsel

import jwt
import requests

from authlab.checks import _jwt
from authlab.checks._core import Probe, call_student, check, fail, json_error, ok, serving, set_cookies

LAB = "lab3"
TOKEN_COOKIE = "access_token"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SETTINGS = {"email": "me@example.org"}


class _Login:
    """One successful login: the user, the response, and the cookies it set (name -> value)."""

    def __init__(self, username: str, response: requests.Response):
        self.username = username
        self.response = response
        self.morsels = set_cookies(response)
        self.cookies = {name: morsel.value for name, morsel in self.morsels.items()}

    @property
    def token(self) -> str:
        token = self.cookies.get(TOKEN_COOKIE)
        if not token:
            fail(f"POST /login with the right password set no {TOKEN_COOKIE!r} cookie",
                 "response.set_cookie(TOKEN_COOKIE, issue_token(username), ...) in login")
        return token

    @property
    def csrf_headers(self) -> dict[str, str]:
        """The double-submit header for this login (empty when the app set no CSRF cookie)."""
        return {CSRF_HEADER: self.cookies[CSRF_COOKIE]} if self.cookies.get(CSRF_COOKIE) else {}


def _new_user(register: Callable) -> tuple[str, str]:
    username, password = f"user-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    call_student(register, username, password)
    return username, password


def _login(probe: Probe, register: Callable, user: tuple[str, str] | None = None) -> _Login:
    """Log in ``user`` (username, password), by default a fresh one."""
    username, password = user or _new_user(register)
    response = probe.post("/login", json={"username": username, "password": password})
    if response.status_code != 200:
        fail(f"POST /login with the right password returned {response.status_code}", "it must return 200")
    return _Login(username, response)


def _by_cookie(probe: Probe) -> _jwt.Send:
    return lambda token: probe.get("/profile", cookies={TOKEN_COOKIE: token})


def _some_csrf() -> tuple[dict[str, str], dict[str, str]]:
    """A matching CSRF cookie and header, as a page of the app itself would send them."""
    value = secrets.token_urlsafe(16)
    return {CSRF_COOKIE: value}, {CSRF_HEADER: value}


@check(LAB, points=2)
def check_token(app, register: Callable, key) -> None:
    """Login sets an HS256 token in the access_token cookie that verifies with SECRET_KEY, with sub, iat and exp."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        claims = _jwt.claims_of(login.token, key, login.username)
        ok(f"POST /login set the {TOKEN_COOKIE!r} cookie to an HS256 token that verifies, sub={claims['sub']!r}")
        ok(f"the token carries iat and exp, {claims['exp'] - claims['iat']} s apart")


@check(LAB, points=1)
def check_profile(app, register: Callable) -> None:
    """GET /profile with the token cookie greets the user."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        response = _by_cookie(probe)(login.token)
        if response.status_code != 200:
            fail(f"GET /profile with the {TOKEN_COOKIE!r} cookie returned {response.status_code}",
                 "read request.cookies.get(TOKEN_COOKIE), verify the token and return 200")
        if login.username not in response.text:
            fail(f"GET /profile returned {response.text[:60]!r}, which does not mention {login.username!r}",
                 "greet the user named in the token's sub")
        ok(f"GET /profile with the {TOKEN_COOKIE!r} cookie returned 200 and greets {login.username!r}")


@check(LAB, points=2)
def check_bad_cookies(app) -> None:
    """A missing or malformed token cookie gets 401 with a JSON error on every route, never a crash."""
    cookies = {
        "no cookie": {},
        f"an empty {TOKEN_COOKIE!r} cookie": {TOKEN_COOKIE: ""},
        "a cookie that is not a JWT": {TOKEN_COOKIE: "not-a-token"},
        "a cookie of three parts of garbage": {TOKEN_COOKIE: "a.b.c"},
    }
    with serving(app, LAB) as probe:
        for label, cookie in cookies.items():
            json_error(probe.get("/profile", cookies=cookie), f"GET /profile with {label}", 401)
        ok(f"GET /profile answered 401 with a JSON error to all {len(cookies)} requests without a valid token")
        csrf_cookie, csrf_header = _some_csrf()
        response = probe.post("/settings", json=SETTINGS, cookies=csrf_cookie, headers=csrf_header)
        json_error(response, "POST /settings with the CSRF token but no token cookie", 401)
        ok("POST /settings without a token cookie was refused with 401")
        response = probe.post("/logout", cookies=csrf_cookie, headers=csrf_header)
        if response.status_code >= 500:
            fail(f"POST /logout without a token cookie returned {response.status_code}",
                 "logging out without a token has nothing to revoke: just clear the cookies")
        ok(f"POST /logout without a token cookie returned {response.status_code}, not an error")


@check(LAB, points=2)
def check_tampered(app, register: Callable) -> None:
    """A token cookie whose payload was changed no longer verifies."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        _jwt.tampered(_by_cookie(probe), login.token, login.username)


@check(LAB, points=2)
def check_alg_none(app, register: Callable) -> None:
    """An unsigned token (alg "none") in the cookie is refused."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        _jwt.unsigned(_by_cookie(probe), login.username)


@check(LAB, points=1)
def check_other_key(app, register: Callable, key) -> None:
    """Token cookies signed with any key but SECRET_KEY are refused."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        _jwt.other_keys(_by_cookie(probe), key, login.username)


@check(LAB, points=2)
def check_expired(app, register: Callable, key) -> None:
    """An expired token, or one without exp, is refused."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        _jwt.expired(_by_cookie(probe), key, login.username)


@check(LAB, points=1)
def check_signing_key(key) -> None:
    """SECRET_KEY is not a common secret and is at least 32 bytes."""
    _jwt.strong_key(key)


@check(LAB, points=2)
def check_cookie_flags(app, register: Callable) -> None:
    """The token cookie is HttpOnly, SameSite, for the whole site, dies with the token, and stays out of the body."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        token, morsel = login.token, login.morsels[TOKEN_COOKIE]
        if not morsel["httponly"]:
            fail(f"the {TOKEN_COOKIE!r} cookie lacks HttpOnly, so any script on the page can steal the token",
                 "pass httponly=True to response.set_cookie")
        if token in login.response.text:
            fail("POST /login also returned the token in its body, where page scripts can read it",
                 "return only a message: the HttpOnly cookie carries the token")
        ok(f"the {TOKEN_COOKIE!r} cookie is HttpOnly and the token is not in the response body")
        if morsel["samesite"].lower() not in ("lax", "strict"):
            fail(f"the {TOKEN_COOKIE!r} cookie has SameSite={morsel['samesite'] or '(not set)'}",
                 'pass samesite="Strict" (or "Lax") to response.set_cookie')
        ok(f"the {TOKEN_COOKIE!r} cookie is SameSite={morsel['samesite']}")
        if morsel["path"] != "/":
            fail(f"the {TOKEN_COOKIE!r} cookie has Path={morsel['path'] or '(not set)'}, so some routes never get it",
                 'pass path="/" to response.set_cookie')
        lifetime = _cookie_lifetime(morsel)
        if lifetime is None:
            fail(f"the {TOKEN_COOKIE!r} cookie has no Max-Age or Expires", "pass max_age=TOKEN_LIFETIME")
        if not 0 < lifetime <= _jwt.TOKEN_LIFETIME + 1:
            fail(f"the {TOKEN_COOKIE!r} cookie lives {lifetime:.0f} s, the token {_jwt.TOKEN_LIFETIME} s",
                 "pass max_age=TOKEN_LIFETIME: a cookie should not outlive its token")
        ok(f"the {TOKEN_COOKIE!r} cookie has Path=/ and lives {lifetime:.0f} s, no longer than the token")


def _cookie_lifetime(morsel: Morsel) -> float | None:
    """Seconds the browser keeps the cookie, from Max-Age (which wins) or Expires; None for neither."""
    if morsel["max-age"] != "":
        try:
            return float(morsel["max-age"])
        except ValueError:
            fail(f"the cookie's Max-Age {morsel['max-age']!r} is not a number", "pass max_age as whole seconds")
    if morsel["expires"]:
        try:
            return email.utils.parsedate_to_datetime(morsel["expires"]).timestamp() - time.time()
        except (TypeError, ValueError):
            fail(f"the cookie's Expires {morsel['expires']!r} is not a date", "pass max_age as whole seconds")
    return None


def _jti(token: str) -> str:
    try:
        jti = jwt.decode(token, options={"verify_signature": False}).get("jti")
    except jwt.InvalidTokenError:
        fail(f"the {TOKEN_COOKIE!r} cookie does not hold a JWT", "make check_token pass first")
    if not isinstance(jti, str) or not jti:
        fail("the token has no jti claim, so logout cannot deny this one token",
             'put "jti": secrets.token_urlsafe(16) in the payload')
    return jti


def _cleared(morsel: Morsel | None, path: str) -> bool:
    """Does this Set-Cookie make the browser drop the cookie set at ``path``?"""
    if morsel is None or (morsel["path"] or "/") != path:
        return False
    lifetime = _cookie_lifetime(morsel)
    return morsel.value == "" or (lifetime is not None and lifetime <= 0)


@check(LAB, points=3)
def check_logout(app, register: Callable) -> None:
    """POST /logout clears the cookie and denies the token's jti: a copied cookie is refused afterwards."""
    with serving(app, LAB) as probe:
        user = _new_user(register)
        login, other = _login(probe, register, user), _login(probe, register, user)
        send = _by_cookie(probe)
        if send(login.token).status_code != 200:
            fail("GET /profile right after login did not return 200", "make check_profile pass first")
        if _jti(login.token) == _jti(other.token):
            fail("two logins got tokens with the same jti", "draw a new jti with secrets for every token")
        ok("every token carries its own jti")
        response = probe.post("/logout", cookies=login.cookies, headers=login.csrf_headers)
        if not 200 <= response.status_code < 300:
            fail(f"POST /logout returned {response.status_code}", "return 200 after clearing the cookies")
        if not _cleared(set_cookies(response).get(TOKEN_COOKIE), login.morsels[TOKEN_COOKIE]["path"] or "/"):
            fail(f"POST /logout did not clear the {TOKEN_COOKIE!r} cookie",
                 'call response.delete_cookie(TOKEN_COOKIE, path="/") in logout')
        ok(f"POST /logout returned {response.status_code} and cleared the {TOKEN_COOKIE!r} cookie")
        response = send(login.token)
        if response.status_code == 200:
            fail("after POST /logout a copy of the old cookie still opens /profile (clearing it is not enough)",
                 "put the token's jti on the denylist in logout, and refuse denied tokens in verify_token")
        json_error(response, "GET /profile with the logged-out token", 401)
        ok("a copy of the logged-out token is refused with 401")
        if send(other.token).status_code != 200:
            fail("logging out one login also ended another login of the same user",
                 "deny only the jti of the token that logged out, not the user")
        ok("another login of the same user still works")


@check(LAB, points=3)
def check_csrf(app, register: Callable) -> None:
    """POST /settings needs the CSRF token twice, in its cookie and in the X-CSRF-Token header."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        csrf = login.cookies.get(CSRF_COOKIE)
        if not csrf:
            fail(f"POST /login set no {CSRF_COOKIE!r} cookie",
                 "response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(32), ...) in login")
        if _login(probe, register).cookies.get(CSRF_COOKIE) == csrf:
            fail(f"two logins got the same CSRF token {csrf!r}", "draw a new one with secrets at every login")
        ok(f"POST /login set a fresh {CSRF_COOKIE!r} cookie")
        forged = {
            "the cookies but no CSRF header (a forged form on another site)": (login.cookies, {}),
            "a CSRF header that does not match the cookie": (login.cookies, {CSRF_HEADER: secrets.token_urlsafe(32)}),
            "no CSRF cookie and no CSRF header": ({TOKEN_COOKIE: login.token}, {}),
        }
        for label, (cookies, headers) in forged.items():
            response = probe.post("/settings", json=SETTINGS, cookies=cookies, headers=headers)
            json_error(response, f"POST /settings with {label}", 403)
            ok(f"POST /settings with {label} was refused with 403")
        response = probe.post("/settings", json=SETTINGS, cookies=login.cookies, headers=login.csrf_headers)
        if response.status_code != 200:
            fail(f"POST /settings with the CSRF cookie echoed in {CSRF_HEADER} returned {response.status_code}",
                 f"accept the request when the {CSRF_HEADER} header equals the {CSRF_COOKIE!r} cookie")
        ok(f"POST /settings with the CSRF cookie echoed in {CSRF_HEADER} returned 200")


CHECKS = [
    check_signing_key,
    check_token,
    check_profile,
    check_bad_cookies,
    check_tampered,
    check_alg_none,
    check_other_key,
    check_expired,
    check_cookie_flags,
    check_logout,
    check_csrf,
]
