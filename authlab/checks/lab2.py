"""Checks of lab 2, JWT in the Authorization header: each starts your app and talks to it over HTTP.

Your app offers ``POST /login`` (JSON ``{"username", "password"}`` -> ``{"token": ...}``,
an HS256 JWT signed with ``SECRET_KEY``) and ``GET /profile``, which requires
``Authorization: Bearer <token>``. The checks create users with ``register``.
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from authlab.checks import _jwt, _keys, _malformed
from authlab.checks._core import Probe, check, fail, json_error, new_user, ok, serving, wrong_credentials

LAB = "lab2"


def _token_of(response: requests.Response) -> object:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("token") if isinstance(body, dict) else None


def _token(probe: Probe, register: Callable) -> tuple[str, str]:
    """Register and log in a fresh user; return (username, token)."""
    username, password = new_user(register)
    response = probe.post("/login", json={"username": username, "password": password})
    if response.status_code != 200:
        fail(f"POST /login with the right password returned {response.status_code}", "it must return 200")
    token = _token_of(response)
    if not token:
        fail(f"POST /login returned {response.text[:60]!r}, without a token", 'return {"token": token}')
    return username, token


def _template(probe: Probe, register: Callable, key) -> _jwt.Template:
    """The verified claims of a token the app issued to a fresh user."""
    return _jwt.template_of(_token(probe, register)[1], key)


def _bearer(probe: Probe) -> _jwt.Send:
    return lambda token: probe.get("/profile", headers={"Authorization": f"Bearer {token}"})


@check(LAB, points=4)
def check_signing_key(key) -> None:
    """SECRET_KEY is at least 32 bytes and not guessable: no common secret, hash of one, repeat or short alphabet."""
    _jwt.strong_key(key)


@check(LAB, points=2)
def check_token(app, register: Callable, key) -> None:
    """Login returns an HS256 token that verifies with SECRET_KEY, with sub, iat and exp."""
    with serving(app, LAB) as probe:
        username, token = _token(probe, register)
        claims = _jwt.claims_of(token, key, username)
        ok(f"POST /login returned an HS256 token that verifies with SECRET_KEY, sub={claims['sub']!r}")
        ok(f"the token carries iat and exp, {claims['exp'] - claims['iat']} s apart")


@check(LAB, points=2)
def check_profile(app, register: Callable) -> None:
    """GET /profile with the Bearer token greets the user."""
    with serving(app, LAB) as probe:
        username, token = _token(probe, register)
        response = _bearer(probe)(token)
        if response.status_code != 200:
            fail(f"GET /profile with 'Authorization: Bearer <token>' returned {response.status_code}",
                 "read the token after 'Bearer ', verify it and return 200")
        if username not in response.text:
            fail(f"GET /profile returned {response.text[:60]!r}, which does not mention {username!r}",
                 "greet the user named in the token's sub")
        ok(f"GET /profile with the Bearer token returned 200 and greets {username!r}")


@check(LAB, points=2)
def check_bad_credentials(app, register: Callable) -> None:
    """A wrong password and an unknown user both get 401 with a JSON error, and no token."""
    with serving(app, LAB) as probe:
        username, password = new_user(register)
        for label, (user, guess) in wrong_credentials(username, password).items():
            response = probe.post("/login", json={"username": user, "password": guess})
            if _token_of(response) or response.status_code == 200:
                fail(f"POST /login with {label} ({{'username': {user!r}, 'password': {guess!r}}}) returned "
                     f"{response.status_code} {response.text[:40]!r}",
                     "check the password with password_ok(username, password) and answer 401 when it fails")
            json_error(response, f"POST /login with {label}", 401)
            ok(f"POST /login with {label} returned 401 with a JSON error and no token")


@check(LAB, points=2)
def check_bad_headers(app, register: Callable) -> None:
    """Missing or malformed Authorization headers get 401; malformed requests on any route never get a 500."""
    headers = {
        "no Authorization header": {},
        "'Bearer' and no token": {"Authorization": "Bearer"},
        "'Bearer ' and an empty token": {"Authorization": "Bearer "},
        "the wrong scheme (Basic)": {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        "a token that is not a JWT": {"Authorization": "Bearer not-a-token"},
        "three parts of garbage": {"Authorization": "Bearer a.b.c"},
    }
    with serving(app, LAB) as probe:
        for label, header in headers.items():
            json_error(probe.get("/profile", headers=header), f"GET /profile with {label}", 401)
        ok(f"GET /profile answered 401 with a JSON error to all {len(headers)} malformed Authorization headers")
        _, token = _token(probe, register)
        routes = [("POST", "/login", {}), ("GET", "/profile", {}),
                  ("GET", "/profile", {"headers": {"Authorization": f"Bearer {token}"}})]
        responses = _malformed.never_crash(probe, routes)
        if any(_token_of(response) for response in responses):
            fail("POST /login handed out a token for a malformed body",
                 "log in only with a JSON object whose username and password are strings that match")
        ok(f"{len(responses)} malformed requests (JSON arrays, wrong types, bad JSON, a megabyte of body, broken "
           "headers) got no 500 and no token")


@check(LAB, points=2)
def check_tampered(app, register: Callable) -> None:
    """A token whose payload was changed no longer verifies."""
    with serving(app, LAB) as probe:
        username, token = _token(probe, register)
        _jwt.tampered(_bearer(probe), token, username)


@check(LAB, points=3)
def check_alg_none(app, register: Callable, key) -> None:
    """The algorithm is pinned: alg "none", and SECRET_KEY under HS384 or HS512, are refused."""
    with serving(app, LAB) as probe:
        _jwt.pinned_algorithm(_bearer(probe), key, _template(probe, register, key))


@check(LAB, points=2)
def check_key_headers(app, register: Callable, key) -> None:
    """A token never chooses its key: kid, jwk, jku and x5u headers are ignored."""
    with serving(app, LAB) as probe:
        _jwt.key_headers(_bearer(probe), key, _template(probe, register, key))


@check(LAB, points=2)
def check_other_key(app, register: Callable, key) -> None:
    """Tokens signed with any key but SECRET_KEY are refused."""
    with serving(app, LAB) as probe:
        _jwt.other_keys(_bearer(probe), key, _template(probe, register, key))


@check(LAB, points=2)
def check_expired(app, register: Callable, key) -> None:
    """Expired tokens (leeway at most 60 s) and tokens without exp are refused; aud and iss are checked if used."""
    with serving(app, LAB) as probe:
        _jwt.expired(_bearer(probe), key, _template(probe, register, key))


@check(LAB, points=2)
def check_key_secret(app, register: Callable, key) -> None:
    """SECRET_KEY appears in no response: not in a body, not in a header, whatever the request."""
    with serving(app, LAB) as probe:
        username, password = new_user(register)
        login = probe.post("/login", json={"username": username, "password": password})
        token = _token_of(login) or ""
        sent = {
            "POST /login with the right password": login,
            "POST /login with a wrong password": probe.post("/login", json={"username": username, "password": "x"}),
            "GET /profile with the token": _bearer(probe)(token),
            "GET /profile with a tampered token": _bearer(probe)(token[:-4] + "AAAA"),
            "GET /profile with garbage": _bearer(probe)("a.b.c"),
            "GET /no-such-route": probe.get("/no-such-route"),
        }
        for label, response in sent.items():
            _no_key(key, label, response)
        for what, response in _malformed.answers(probe, [("POST", "/login", {}), ("GET", "/profile", {})]):
            _no_key(key, what, response)
        ok(f"SECRET_KEY was in none of {len(sent)} answers and the malformed-request battery (bodies and headers)")


def _no_key(key, label: str, response: requests.Response) -> None:
    where = _keys.leak(key, response)
    if where:
        fail(f"the answer to {label} has SECRET_KEY in {where}: whoever sees it can mint tokens for anyone",
             "never put the key (or str(error) of a message that holds it) into a response; say only "
             '{"error": "invalid token"}')


CHECKS = [
    check_signing_key,
    check_token,
    check_profile,
    check_bad_credentials,
    check_bad_headers,
    check_tampered,
    check_alg_none,
    check_key_headers,
    check_other_key,
    check_expired,
    check_key_secret,
]
