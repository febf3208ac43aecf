"""Checks of lab 2, JWT in the Authorization header: each starts your app and talks to it over HTTP.

Your app offers ``POST /login`` (JSON ``{"username", "password"}`` -> ``{"token": ...}``,
an HS256 JWT signed with ``SECRET_KEY``) and ``GET /profile``, which requires
``Authorization: Bearer <token>``. The checks create users with ``register``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from authlab.checks import _jwt
from authlab.checks._core import Probe, call_student, check, fail, json_error, ok, serving

LAB = "lab2"


def _token(probe: Probe, register: Callable) -> tuple[str, str]:
    """Register and log in a fresh user; return (username, token)."""
    username, password = f"user-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    call_student(register, username, password)
    response = probe.post("/login", json={"username": username, "password": password})
    if response.status_code != 200:
        fail(f"POST /login with the right password returned {response.status_code}", "it must return 200")
    try:
        token = response.json().get("token")
    except (ValueError, AttributeError):
        token = None
    if not token:
        fail(f"POST /login returned {response.text[:60]!r}, without a token", 'return {"token": token}')
    return username, token


def _bearer(probe: Probe) -> _jwt.Send:
    return lambda token: probe.get("/profile", headers={"Authorization": f"Bearer {token}"})


@check(LAB, points=3)
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
def check_bad_headers(app) -> None:
    """A missing or malformed Authorization header gets 401 with a JSON error, never a crash."""
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
        ok(f"GET /profile answered 401 with a JSON error to all {len(headers)} malformed requests")


@check(LAB, points=2)
def check_tampered(app, register: Callable) -> None:
    """A token whose payload was changed no longer verifies."""
    with serving(app, LAB) as probe:
        username, token = _token(probe, register)
        _jwt.tampered(_bearer(probe), token, username)


@check(LAB, points=2)
def check_alg_none(app, register: Callable) -> None:
    """An unsigned token (alg "none") is refused."""
    with serving(app, LAB) as probe:
        username, _ = _token(probe, register)
        _jwt.unsigned(_bearer(probe), username)


@check(LAB, points=1)
def check_other_key(app, register: Callable, key) -> None:
    """Tokens signed with any key but SECRET_KEY are refused."""
    with serving(app, LAB) as probe:
        username, _ = _token(probe, register)
        _jwt.other_keys(_bearer(probe), key, username)


@check(LAB, points=2)
def check_expired(app, register: Callable, key) -> None:
    """An expired token, or one without exp, is refused."""
    with serving(app, LAB) as probe:
        username, _ = _token(probe, register)
        _jwt.expired(_bearer(probe), key, username)


@check(LAB, points=1)
def check_signing_key(key) -> None:
    """SECRET_KEY is not a common secret and is at least 32 bytes."""
    _jwt.strong_key(key)


CHECKS = [
    check_signing_key,
    check_token,
    check_profile,
    check_bad_headers,
    check_tampered,
    check_alg_none,
    check_other_key,
    check_expired,
]
