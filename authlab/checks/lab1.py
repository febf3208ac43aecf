"""Checks of lab 1, session-based authentication: each starts your app and talks to it over HTTP.

Your app offers ``POST /login`` (JSON ``{"username", "password"}``), ``GET /profile``
and ``POST /logout``, keeps sessions in a server-side store and the session ID in
a cookie. ``register(username, password)`` adds a user; the checks create their
own users with it, with random names and passwords.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import requests

from authlab.checks._core import (
    FakeClock,
    Probe,
    call_student,
    check,
    estimated_bits,
    fail,
    json_error,
    ok,
    serving,
    set_cookies,
)
from authlab.checks.kernel_side import in_kernel

LAB = "lab1"
MIN_ID_BITS = 128
ID_SAMPLES = 8


def _new_user(register: Callable, password: str | None = None) -> tuple[str, str]:
    username = f"user-{secrets.token_hex(4)}"
    password = password or secrets.token_urlsafe(12)
    call_student(register, username, password)
    return username, password


def _login(probe: Probe, username: str, password: str, cookies: dict | None = None) -> requests.Response:
    return probe.post("/login", json={"username": username, "password": password}, cookies=cookies)


def _session_cookie(response: requests.Response) -> tuple[str, str]:
    """The (name, value) of the cookie a successful login set."""
    if response.status_code != 200:
        fail(f"POST /login with the right password returned {response.status_code}", "it must return 200")
    cookies = {name: morsel.value for name, morsel in set_cookies(response).items() if morsel.value}
    if not cookies:
        fail("POST /login with the right password set no cookie",
             "store the new session ID with response.set_cookie(COOKIE_NAME, session_id, ...)")
    return next(iter(cookies.items()))


def _logged_in(probe: Probe, register: Callable) -> tuple[str, str, str]:
    """Log a fresh user in; return (username, cookie name, session ID)."""
    username, password = _new_user(register)
    name, session_id = _session_cookie(_login(probe, username, password))
    return username, name, session_id


def _profile(probe: Probe, name: str, session_id: str) -> requests.Response:
    return probe.get("/profile", cookies={name: session_id})


@check(LAB, points=2)
def check_login(app, register: Callable) -> None:
    """A good login sets a session cookie, and /profile greets the user."""
    with serving(app, LAB) as probe:
        username, name, session_id = _logged_in(probe, register)
        ok(f"POST /login with the right password returned 200 and set the cookie {name!r}")
        response = _profile(probe, name, session_id)
        if response.status_code != 200:
            fail(f"GET /profile with the session cookie returned {response.status_code}",
                 "look the session ID up in your store and return 200 with the user's name")
        if username not in response.text:
            fail(f"GET /profile returned {response.text[:60]!r}, which does not mention {username!r}",
                 'greet the user by name, e.g. {"message": f"Hello, {username}"}')
        ok(f"GET /profile with that cookie returned 200 and greets {username!r}")


@check(LAB, points=2)
def check_bad_credentials(app, register: Callable) -> None:
    """A wrong password and an unknown user both get 401 with a JSON error, and no session."""
    with serving(app, LAB) as probe:
        username, password = _new_user(register)
        attempts = {
            "a wrong password": (username, password + "x"),
            "an unknown user": (f"nobody-{secrets.token_hex(4)}", password),
        }
        for label, (user, guess) in attempts.items():
            response = _login(probe, user, guess)
            json_error(response, f"POST /login with {label}", 401)
            for cookie_name, morsel in set_cookies(response).items():
                if morsel.value and _profile(probe, cookie_name, morsel.value).status_code == 200:
                    fail(f"POST /login with {label} set a cookie that opens /profile",
                         "create a session only after the password matched")
            ok(f"POST /login with {label} returned 401 with a JSON error")


@check(LAB, points=0)
def check_malformed_login(app) -> None:
    """A login body that is not JSON, or lacks fields, is refused without a crash."""
    with serving(app, LAB) as probe:
        bodies = {
            "a body that is not JSON": {"data": "username=alice", "headers": {"Content-Type": "text/plain"}},
            "an empty JSON object": {"json": {}},
        }
        for label, body in bodies.items():
            response = probe.post("/login", **body)
            if response.status_code not in (400, 401, 415):
                fail(f"POST /login with {label} returned {response.status_code}",
                     "refuse it with 400 or 401, e.g. data = request.get_json(silent=True) or {}")
            ok(f"POST /login with {label} returned {response.status_code}")


@check(LAB, points=1)
def check_passwords_hashed(register: Callable, users: dict) -> None:
    """The user store keeps salted password hashes, never the password."""
    password = secrets.token_urlsafe(18)
    first, _ = _new_user(register, password)
    second, _ = _new_user(register, password)
    if not isinstance(users, dict) or first not in users:
        fail(f"register({first!r}, ...) did not add {first!r} to USERS", "store users as USERS[username] = ...")
    if password in repr(users[first]):
        fail(f"USERS[{first!r}] contains the password itself",
             "store generate_password_hash(password) instead (werkzeug.security)")
    ok("USERS holds no plaintext password")
    if repr(users[first]) == repr(users[second]):
        fail("two users with the same password got identical records in USERS",
             "use a salted hash such as generate_password_hash(password), not a bare hashlib digest")
    ok("two users with the same password have different (salted) hashes")


@check(LAB, points=2)
def check_requires_session(app, register: Callable) -> None:
    """/profile refuses a request without a session cookie, or with a forged one."""
    with serving(app, LAB) as probe:
        json_error(probe.get("/profile"), "GET /profile without a cookie", 401)
        ok("GET /profile without a cookie returned 401 with a JSON error")
        _, name, _ = _logged_in(probe, register)
        for label, forged in {"a forged session ID": secrets.token_urlsafe(32), "an empty session ID": ""}.items():
            json_error(_profile(probe, name, forged), f"GET /profile with {label}", 401)
            ok(f"GET /profile with {label} returned 401")


@check(LAB, points=1)
def check_cookie_flags(app, register: Callable) -> None:
    """The session cookie is HttpOnly and has a SameSite policy."""
    with serving(app, LAB) as probe:
        username, password = _new_user(register)
        response = _login(probe, username, password)
        name, _ = _session_cookie(response)
        morsel = set_cookies(response)[name]
        if not morsel["httponly"]:
            fail(f"the cookie {name!r} lacks HttpOnly, so page scripts can read it",
                 "pass httponly=True to response.set_cookie")
        ok(f"the cookie {name!r} is HttpOnly: JavaScript cannot read it")
        if morsel["samesite"].lower() not in ("lax", "strict"):
            fail(f"the cookie {name!r} has SameSite={morsel['samesite'] or '(not set)'}",
                 'pass samesite="Lax" (or "Strict") to response.set_cookie')
        ok(f"the cookie {name!r} is SameSite={morsel['samesite']}: other sites' requests do not carry it")


def _reseeded_login(app, probe: Probe, username: str, password: str) -> str:
    with in_kernel("random_seeded", app, 20240101):
        return _session_cookie(_login(probe, username, password))[1]


@check(LAB, points=2)
def check_session_ids(app, register: Callable) -> None:
    """Session IDs carry at least 128 random bits: unique, not sequential, not from the time or `random`."""
    with serving(app, LAB) as probe:
        username, password = _new_user(register)
        with in_kernel("frozen_time", app):
            twins = [_reseeded_login(app, probe, username, password) for _ in range(2)]
        if twins[0] == twins[1]:
            fail("two logins with the clock frozen and Python's random reseeded got the same session ID, "
                 "so it is derived from the time or from `random`",
                 "use secrets.token_urlsafe(32)")
        ok("session IDs do not come from the clock or from the `random` module")
        ids = [_session_cookie(_login(probe, username, password))[1] for _ in range(ID_SAMPLES)]
        if len(set(ids)) < len(ids):
            fail(f"{ID_SAMPLES} logins got only {len(set(ids))} different session IDs",
                 "create a new random ID for every login")
        ok(f"{ID_SAMPLES} logins got {ID_SAMPLES} different session IDs")
        numbers = _as_numbers(ids)
        if numbers and all(0 < b - a < 2**16 for a, b in zip(numbers, numbers[1:], strict=False)):
            fail(f"session IDs count up ({ids[0][-8:]}, {ids[1][-8:]}, ...), so the next one is easy to guess",
                 "use secrets.token_urlsafe(32)")
        bits = estimated_bits(ids)
        if bits < MIN_ID_BITS:
            fail(f"session IDs such as {ids[0]!r} carry about {bits:.0f} random bits, fewer than {MIN_ID_BITS}",
                 "use secrets.token_urlsafe(32) (256 bits; a uuid4 has only 122)")
        ok(f"session IDs carry about {bits:.0f} random bits (at least {MIN_ID_BITS} needed) and do not count up")


def _as_numbers(ids: list[str]) -> list[int] | None:
    for base in (10, 16):
        try:
            return [int(value, base) for value in ids]
        except ValueError:
            continue
    return None


@check(LAB, points=2)
def check_logout(app, register: Callable) -> None:
    """After POST /logout the old session cookie no longer opens /profile."""
    with serving(app, LAB) as probe:
        _, name, session_id = _logged_in(probe, register)
        if _profile(probe, name, session_id).status_code != 200:
            fail("GET /profile right after login did not return 200", "make check_login pass first")
        response = probe.post("/logout", cookies={name: session_id})
        if not 200 <= response.status_code < 300:
            fail(f"POST /logout returned {response.status_code}", "return 200 (or 204) after ending the session")
        ok(f"POST /logout returned {response.status_code}")
        response = _profile(probe, name, session_id)
        if response.status_code == 200:
            fail("after POST /logout the old session ID still opens /profile (clearing the cookie is not enough)",
                 "delete the session from your server-side store in logout")
        json_error(response, "GET /profile with the logged-out session ID", 401)
        ok("the old session ID is refused after logout, even if someone kept a copy")


@check(LAB, points=2)
def check_no_fixation(app, register: Callable) -> None:
    """Login always issues a new session ID; an ID chosen before login is never kept."""
    with serving(app, LAB) as probe:
        username, password = _new_user(register)
        name, first_id = _session_cookie(_login(probe, username, password))
        planted = secrets.token_urlsafe(32)
        new_id = _session_cookie(_login(probe, username, password, cookies={name: planted}))[1]
        if new_id == planted:
            fail("POST /login kept the session ID an attacker planted in the cookie (session fixation)",
                 "always create a new ID with secrets at login; never reuse the one the request brought")
        if _profile(probe, name, planted).status_code == 200:
            fail("after login the planted session ID opens /profile (session fixation)",
                 "store the session under the new ID only")
        ok("a session ID planted before login is not adopted")
        renewed = _session_cookie(_login(probe, username, password, cookies={name: first_id}))[1]
        if renewed == first_id:
            fail("logging in again while sending a valid session ID kept that ID",
                 "issue a fresh ID on every login, even when the request already has a session")
        ok("logging in again issues a fresh session ID")


@check(LAB, points=2)
def check_idle_expiry(app, register: Callable, namespace: dict) -> None:
    """The server ends a session after IDLE_TIMEOUT seconds without a request (the check moves `clock`)."""
    for name in ("clock", "IDLE_TIMEOUT"):
        if name not in namespace:
            fail(f"the notebook defines no {name}", "run the cell that defines clock and IDLE_TIMEOUT")
    idle = namespace["IDLE_TIMEOUT"]
    if not isinstance(idle, int | float) or not 60 <= idle <= 24 * 3600:
        fail(f"IDLE_TIMEOUT is {idle!r}", "set it to a number of seconds, e.g. 15 * 60")
    real_clock = namespace["clock"]
    fake = FakeClock(call_student(real_clock, what="clock()"))
    namespace["clock"] = fake
    try:
        with serving(app, LAB) as probe:
            _, name, session_id = _logged_in(probe, register)
            fake.advance(0.9 * idle)
            if _profile(probe, name, session_id).status_code != 200:
                fail(f"a session used {0.9 * idle:.0f} s after login was refused, before IDLE_TIMEOUT ({idle} s)",
                     "expire sessions only after IDLE_TIMEOUT seconds without a request")
            ok(f"a session used {0.9 * idle:.0f} s after login still works")
            fake.advance(0.9 * idle)
            if _profile(probe, name, session_id).status_code != 200:
                fail(f"a session last used {0.9 * idle:.0f} s ago was refused, {1.8 * idle:.0f} s after login",
                     "idle time counts from the last request: update the session's last-seen time in /profile")
            ok("every request restarts the idle timer")
            fake.advance(idle + 1)
            response = _profile(probe, name, session_id)
            if response.status_code == 200:
                fail(f"a session idle for {idle + 1:.0f} s (more than IDLE_TIMEOUT) still opened /profile",
                     "compare clock() - last_seen with IDLE_TIMEOUT on every request; read the time only via clock()")
            json_error(response, "GET /profile with an idle session", 401)
            ok(f"a session idle for more than IDLE_TIMEOUT ({idle} s) is refused with 401")
    finally:
        namespace["clock"] = real_clock


CHECKS = [
    check_login,
    check_bad_credentials,
    check_passwords_hashed,
    check_requires_session,
    check_cookie_flags,
    check_session_ids,
    check_logout,
    check_no_fixation,
    check_idle_expiry,
]
