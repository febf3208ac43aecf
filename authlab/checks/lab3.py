"""Checks of lab 3, JWT in an HttpOnly cookie: each starts your app and talks to it over HTTP.

Your app offers ``POST /login`` (JSON ``{"username", "password"}``), which sets the
HS256 JWT in the ``access_token`` cookie; ``GET /profile``; ``POST /settings`` (JSON
``{"email"}``), a state-changing request protected against CSRF; and ``POST /logout``,
which clears the cookie and denies the token's ``jti`` until it expires. The checks
create users with ``register``.

CSRF is judged as browsers behave. The page's own script learns its CSRF token from the
readable ``csrf_token`` cookie or from the login's JSON body (field ``csrf_token``) and
sends it in ``X-CSRF-Token``; the browser adds ``Origin`` and ``Sec-Fetch-Site:
same-origin``. A forged request from another site carries the victim's cookies (or
cookies the attacker planted) with ``Origin`` and ``Sec-Fetch-Site`` of that site. Any
defence that refuses every forged request and lets the page's own one through passes.
"""

from __future__ import annotations

import email.utils
import re
import secrets
import time
from collections.abc import Callable
from http.cookies import Morsel

import jwt
import requests

from authlab.checks import _browser, _jwt, _keys, _malformed
from authlab.checks._core import (
    Probe,
    check,
    fail,
    json_error,
    new_user,
    ok,
    serving,
    set_cookies,
    wrong_credentials,
)

LAB = "lab3"
TOKEN_COOKIE = "access_token"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SETTINGS = {"email": "me@example.org"}
ATTACKER_ORIGIN = "https://attacker.example"
PROTECTED = [("GET", "/profile"), ("POST", "/settings"), ("POST", "/logout")]
JWT_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")


class _Login:
    """One successful login: the user, the response, the cookies it set (name -> value), as a browser keeps them."""

    def __init__(self, probe: Probe, username: str, response: requests.Response):
        self.username = username
        self.response = response
        self.morsels = set_cookies(response)
        self.cookies = {name: morsel.value for name, morsel in self.morsels.items()}
        self.origin = probe.url

    @property
    def token(self) -> str:
        token = self.cookies.get(TOKEN_COOKIE)
        if not token:
            fail(f"POST /login with the right password set no {TOKEN_COOKIE!r} cookie",
                 "response.set_cookie(TOKEN_COOKIE, issue_token(username), ...) in login")
        return token

    @property
    def csrf(self) -> str | None:
        """The CSRF token the page's script can read: the csrf_token cookie, or csrf_token in the login's body."""
        if self.cookies.get(CSRF_COOKIE) and not self.morsels[CSRF_COOKIE]["httponly"]:
            return self.cookies[CSRF_COOKIE]
        try:
            body = self.response.json()
        except ValueError:
            return None
        value = body.get(CSRF_COOKIE) if isinstance(body, dict) else None
        return value if isinstance(value, str) and value else None

    def page_request(self, probe: Probe, path: str, **kwargs) -> requests.Response:
        """POST ``path`` as the app's own page does: the login's cookies, the CSRF header, same-origin headers.

        Which routes a browser sends each cookie to is check_cookie_flags' business; here every cookie goes along.
        """
        headers = {"Origin": self.origin, "Sec-Fetch-Site": "same-origin"}
        if self.csrf:
            headers[CSRF_HEADER] = self.csrf
        return probe.post(path, cookies=self.cookies, headers=headers, **kwargs)


def _login(probe: Probe, register: Callable, user: tuple[str, str] | None = None) -> _Login:
    """Log in ``user`` (username, password), by default a fresh one."""
    username, password = user or new_user(register)
    response = probe.post("/login", json={"username": username, "password": password})
    if response.status_code != 200:
        fail(f"POST /login with the right password returned {response.status_code}", "it must return 200")
    return _Login(probe, username, response)


def _by_cookie(probe: Probe) -> _jwt.Send:
    return lambda token: probe.get("/profile", cookies={TOKEN_COOKIE: token})


def _template(probe: Probe, register: Callable, key) -> _jwt.Template:
    return _jwt.template_of(_login(probe, register).token, key)


def _cross_site(cookies: dict[str, str], headers: dict[str, str] | None = None) -> dict:
    """Keyword arguments of a request another site makes the browser send."""
    headers = {"Origin": ATTACKER_ORIGIN, "Sec-Fetch-Site": "cross-site", **(headers or {})}
    return {"cookies": cookies, "headers": headers}


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
def check_bad_credentials(app, register: Callable) -> None:
    """A wrong password and an unknown user both get 401 with a JSON error, and no token cookie."""
    with serving(app, LAB) as probe:
        username, password = new_user(register)
        for label, (user, guess) in wrong_credentials(username, password).items():
            response = probe.post("/login", json={"username": user, "password": guess})
            token = set_cookies(response).get(TOKEN_COOKIE)
            if response.status_code == 200 or (token is not None and token.value):
                fail(f"POST /login with {label} ({{'username': {user!r}, 'password': {guess!r}}}) returned "
                     f"{response.status_code} and {'a' if token is not None and token.value else 'no'} token cookie",
                     "check the password with password_ok(username, password) and answer 401 when it fails")
            json_error(response, f"POST /login with {label}", 401)
            ok(f"POST /login with {label} returned 401 with a JSON error and no token cookie")


@check(LAB, points=2)
def check_bad_cookies(app, register: Callable) -> None:
    """Missing or malformed token cookies get 401 on every route; malformed requests never get a 500."""
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
        csrf = secrets.token_urlsafe(16)
        response = probe.post("/settings", json=SETTINGS, cookies={CSRF_COOKIE: csrf},
                              headers={CSRF_HEADER: csrf, "Origin": probe.url, "Sec-Fetch-Site": "same-origin"})
        json_error(response, "POST /settings from the app's page (CSRF header, same origin) but no token cookie", 401)
        ok("POST /settings without a token cookie was refused with 401")
        response = probe.post("/logout", headers={"Origin": probe.url, "Sec-Fetch-Site": "same-origin"})
        if response.status_code >= 500:
            fail(f"POST /logout without a token cookie returned {response.status_code}",
                 "logging out without a token has nothing to revoke: just clear the cookies")
        ok(f"POST /logout without a token cookie returned {response.status_code}, not an error")
        login = _login(probe, register)
        page = {"cookies": login.cookies, "headers": {"Origin": probe.url, "Sec-Fetch-Site": "same-origin",
                                                        **({CSRF_HEADER: login.csrf} if login.csrf else {})}}
        routes = [("POST", "/login", {}), ("GET", "/profile", {}), ("GET", "/profile", {"cookies": login.cookies}),
                  ("POST", "/settings", page), ("POST", "/logout", {})]
        responses = _malformed.never_crash(probe, routes)
        ok(f"{len(responses)} malformed requests (JSON arrays, wrong types, bad JSON, a megabyte of body, broken "
           "headers) to every route, logged in or not, got no 500")


@check(LAB, points=2)
def check_tampered(app, register: Callable) -> None:
    """A token cookie whose payload was changed no longer verifies."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        _jwt.tampered(_by_cookie(probe), login.token, login.username)


@check(LAB, points=3)
def check_alg_none(app, register: Callable, key) -> None:
    """The algorithm is pinned: alg "none", and SECRET_KEY under HS384 or HS512, are refused in the cookie."""
    with serving(app, LAB) as probe:
        _jwt.pinned_algorithm(_by_cookie(probe), key, _template(probe, register, key))


@check(LAB, points=2)
def check_key_headers(app, register: Callable, key) -> None:
    """A token cookie never chooses its key: kid, jwk, jku and x5u headers are ignored."""
    with serving(app, LAB) as probe:
        _jwt.key_headers(_by_cookie(probe), key, _template(probe, register, key))


@check(LAB, points=2)
def check_other_key(app, register: Callable, key) -> None:
    """Token cookies signed with any key but SECRET_KEY are refused."""
    with serving(app, LAB) as probe:
        _jwt.other_keys(_by_cookie(probe), key, _template(probe, register, key))


@check(LAB, points=2)
def check_expired(app, register: Callable, key) -> None:
    """Expired tokens (leeway at most 60 s) and tokens without exp are refused; aud and iss are checked if used."""
    with serving(app, LAB) as probe:
        _jwt.expired(_by_cookie(probe), key, _template(probe, register, key))


@check(LAB, points=4)
def check_signing_key(key) -> None:
    """SECRET_KEY is at least 32 bytes and not guessable: no common secret, hash of one, repeat or short alphabet."""
    _jwt.strong_key(key)


@check(LAB, points=2)
def check_key_secret(app, register: Callable, key) -> None:
    """SECRET_KEY appears in no response: not in a body, not in a header, whatever the request."""
    with serving(app, LAB) as probe:
        user = new_user(register)
        login = _login(probe, register, user)
        send = _by_cookie(probe)
        sent = {
            "POST /login with the right password": login.response,
            "POST /login with a wrong password": probe.post("/login", json={"username": user[0], "password": "x"}),
            "GET /profile with the token cookie": send(login.token),
            "GET /profile with a tampered token cookie": send(login.token[:-4] + "AAAA"),
            "POST /settings from another site": probe.post("/settings", json=SETTINGS, **_cross_site(login.cookies)),
            "GET /no-such-route": probe.get("/no-such-route"),
        }
        for label, response in sent.items():
            _no_key(key, label, response)
        routes = [("POST", "/login", {}), ("GET", "/profile", {}), ("POST", "/settings", {"cookies": login.cookies})]
        for what, response in _malformed.answers(probe, routes):
            _no_key(key, what, response)
        ok(f"SECRET_KEY was in none of {len(sent)} answers and the malformed-request battery (bodies and headers)")


def _no_key(key, label: str, response: requests.Response) -> None:
    where = _keys.leak(key, response)
    if where:
        fail(f"the answer to {label} has SECRET_KEY in {where}: whoever sees it can mint tokens for anyone",
             'never put the key into a response; say only {"error": "invalid token"}')


@check(LAB, points=2)
def check_cookie_flags(app, register: Callable, key) -> None:
    """The token cookie is HttpOnly, SameSite, sent to every route, dies with the token; no token in the body."""
    with serving(app, LAB) as probe:
        login = _login(probe, register)
        morsel = login.morsels[TOKEN_COOKIE] if login.token else None
        if not morsel["httponly"]:
            fail(f"the {TOKEN_COOKIE!r} cookie lacks HttpOnly, so any script on the page can steal the token",
                 "pass httponly=True to response.set_cookie")
        ok(f"the {TOKEN_COOKIE!r} cookie is HttpOnly")
        for found in JWT_PATTERN.findall(login.response.text):
            try:
                jwt.decode(found, key, algorithms=[_jwt.ALGORITHM], options={"verify_exp": False, "verify_aud": False})
            except jwt.InvalidTokenError:
                continue
            fail(f"POST /login also returned a valid token ({found[:24]}...) in its body, where page scripts can "
                 "read it", "return only a message (and a CSRF token if you like): the HttpOnly cookie holds the token")
        ok("the login's body holds no token signed with SECRET_KEY")
        if morsel["samesite"].lower() not in ("lax", "strict"):
            fail(f"the {TOKEN_COOKIE!r} cookie has SameSite={morsel['samesite'] or '(not set)'}",
                 'pass samesite="Strict" (or "Lax") to response.set_cookie')
        ok(f"the {TOKEN_COOKIE!r} cookie is SameSite={morsel['samesite']}")
        _browser.reaches(probe, login.response, TOKEN_COOKIE, PROTECTED)
        ok(f"a browser sends the {TOKEN_COOKIE!r} cookie to GET /profile, POST /settings and POST /logout only "
           "on this host")
        lifetime = _cookie_lifetime(morsel)
        if lifetime is None:
            fail(f"the {TOKEN_COOKIE!r} cookie has no Max-Age or Expires", "pass max_age=TOKEN_LIFETIME")
        if not 0 < lifetime <= _jwt.TOKEN_LIFETIME + 1:
            fail(f"the {TOKEN_COOKIE!r} cookie lives {lifetime:.0f} s, the token {_jwt.TOKEN_LIFETIME} s",
                 "pass max_age=TOKEN_LIFETIME: a cookie should not outlive its token")
        ok(f"the {TOKEN_COOKIE!r} cookie lives {lifetime:.0f} s, no longer than the token")


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
    """POST /logout clears the cookie and denies the token's jti: a copied cookie opens no route afterwards."""
    with serving(app, LAB) as probe:
        user = new_user(register)
        login, other = _login(probe, register, user), _login(probe, register, user)
        send = _by_cookie(probe)
        if send(login.token).status_code != 200:
            fail("GET /profile right after login did not return 200", "make check_profile pass first")
        if _jti(login.token) == _jti(other.token):
            fail("two logins got tokens with the same jti", "draw a new jti with secrets for every token")
        ok("every token carries its own jti")
        response = login.page_request(probe, "/logout")
        if not 200 <= response.status_code < 300:
            fail(f"POST /logout from the app's page (its cookies, CSRF header and Origin) returned "
                 f"{response.status_code}", "return 200 after clearing the cookies")
        if not _cleared(set_cookies(response).get(TOKEN_COOKIE), login.morsels[TOKEN_COOKIE]["path"] or "/"):
            fail(f"POST /logout did not clear the {TOKEN_COOKIE!r} cookie",
                 'call response.delete_cookie(TOKEN_COOKIE, path="/") in logout')
        ok(f"POST /logout returned {response.status_code} and cleared the {TOKEN_COOKIE!r} cookie")
        response = send(login.token)
        if response.status_code == 200:
            fail("after POST /logout a copy of the old cookie still opens /profile (clearing it is not enough)",
                 "put the token's jti on the denylist in logout, and refuse denied tokens in verify_token")
        json_error(response, "GET /profile with the logged-out token", 401)
        try:
            accepted = 200 <= login.page_request(probe, "/settings", json=SETTINGS).status_code < 300
        except AssertionError:  # a crash is no acceptance; crashes are check_bad_cookies' business
            accepted = False
        if accepted:
            fail("after POST /logout a copy of the old cookies (with the page's CSRF header) still changes "
                 "POST /settings", "check the denylist wherever a token is verified: in verify_token, for every route")
        ok("copies of the logged-out cookies are refused on GET /profile and POST /settings")
        if send(other.token).status_code != 200:
            fail("logging out one login also ended another login of the same user",
                 "deny only the jti of the token that logged out, not the user")
        ok("another login of the same user still works")


@check(LAB, points=3)
def check_csrf(app, register: Callable) -> None:
    """POST /settings refuses requests another site forges, planted CSRF cookies included; the page's own passes."""
    with serving(app, LAB) as probe:
        login, other = _login(probe, register), _login(probe, register)
        if login.csrf and login.csrf == other.csrf:
            fail(f"two logins got the same CSRF token {login.csrf!r}", "derive it from each login's own token")
        response = login.page_request(probe, "/settings", json=SETTINGS)
        if response.status_code != 200:
            fail(f"POST /settings from the app's own page (its cookies, {CSRF_HEADER}: "
                 f"{(login.csrf or '(none)')[:16]}..., same Origin) returned {response.status_code}",
                 "accept the request your own page sends after login")
        ok("POST /settings from the app's own page returned 200")
        planted = secrets.token_urlsafe(32)
        forged = {
            "the victim's cookies and no CSRF header (a form on another site)": _cross_site(login.cookies),
            "the victim's cookies and a made-up CSRF header":
                _cross_site(login.cookies, {CSRF_HEADER: secrets.token_urlsafe(32)}),
            f"a {CSRF_COOKIE!r} cookie the attacker planted (from a sibling subdomain) and the same value in "
            f"{CSRF_HEADER}": _cross_site({**login.cookies, CSRF_COOKIE: planted}, {CSRF_HEADER: planted}),
            "the victim's cookies and the CSRF token of another session":
                _cross_site(login.cookies, {CSRF_HEADER: other.csrf or planted}),
        }
        for label, request in forged.items():
            response = probe.post("/settings", json=SETTINGS, **request)
            if not 400 <= response.status_code < 500:
                fail(f"POST /settings with {label}, Origin: {ATTACKER_ORIGIN} and Sec-Fetch-Site: cross-site, "
                     f"returned {response.status_code}",
                     "bind the CSRF token to the login (an HMAC of the token's jti under a server-side key), compare "
                     "it with hmac.compare_digest, and/or refuse Sec-Fetch-Site: cross-site; a plain copy of a "
                     "cookie proves nothing")
        ok(f"POST /settings refused all {len(forged)} requests another site can forge, a planted CSRF cookie included")


CHECKS = [
    check_signing_key,
    check_token,
    check_profile,
    check_bad_credentials,
    check_bad_cookies,
    check_tampered,
    check_alg_none,
    check_key_headers,
    check_other_key,
    check_expired,
    check_key_secret,
    check_cookie_flags,
    check_logout,
    check_csrf,
]
