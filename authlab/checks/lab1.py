"""Checks of lab 1, session-based authentication: each starts your app and talks to it over HTTP.

Your app offers ``POST /login`` (JSON ``{"username", "password"}``), ``GET /profile``
and ``POST /logout``, keeps sessions in a server-side store and the session ID in
a cookie. ``register(username, password)`` adds a user; the checks create their
own users with it, with random names and passwords.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable

import requests

from authlab.checks import _browser, _guessable, _malformed, _passwords
from authlab.checks._core import (
    Probe,
    check,
    estimated_bits,
    fail,
    json_error,
    new_user,
    ok,
    serving,
    set_cookies,
    wrong_credentials,
)
from authlab.checks.kernel_side import from_kernel

LAB = "lab1"
MIN_ID_BITS = 128
ID_SAMPLES = 8
TWIN_LOGINS = 3
TWIN_SEED = 20240101
CLONE_BUDGET = 15.0  # seconds of logins to collect the IDs that clone a Mersenne Twister
PROTECTED = [("GET", "/profile"), ("POST", "/logout")]


def _login(probe: Probe, username: str, password: str, cookies: dict | None = None) -> requests.Response:
    return probe.post("/login", json={"username": username, "password": password}, cookies=cookies)


def _session_cookie(probe: Probe, response: requests.Response) -> tuple[str, str]:
    """The (name, value) of the cookie, among those the login set, that opens /profile."""
    return _browser.session_cookie(probe, response)


def _session_id(response: requests.Response, name: str) -> str:
    """The value of the session cookie ``name`` a login set (known from an earlier login)."""
    if response.status_code != 200:
        fail(f"POST /login with the right password returned {response.status_code}", "it must return 200")
    morsel = set_cookies(response).get(name)
    if morsel is None or not morsel.value:
        fail(f"a later login set no {name!r} cookie, though the first one did", "set the session cookie at every login")
    return morsel.value


def _logged_in(probe: Probe, register: Callable) -> tuple[str, str, str]:
    """Log a fresh user in; return (username, cookie name, session ID)."""
    username, password = new_user(register)
    name, session_id = _session_cookie(probe, _login(probe, username, password))
    return username, name, session_id


def _profile(probe: Probe, name: str, session_id: str) -> requests.Response:
    return probe.get("/profile", cookies={name: session_id})


@check(LAB, points=2)
def check_login(app, register: Callable) -> None:
    """A good login sets a session cookie, and /profile greets the user."""
    with serving(app, LAB) as probe:
        username, name, session_id = _logged_in(probe, register)
        ok(f"POST /login with the right password returned 200 and set the cookie {name!r}, which opens /profile")
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
        username, password = new_user(register)
        for label, (user, guess) in wrong_credentials(username, password).items():
            response = _login(probe, user, guess)
            json_error(response, f"POST /login with {label}", 401)
            for cookie_name, morsel in set_cookies(response).items():
                if morsel.value and _profile(probe, cookie_name, morsel.value).status_code == 200:
                    fail(f"POST /login with {label} set a cookie that opens /profile",
                         "create a session only after the password matched")
            ok(f"POST /login with {label} returned 401 with a JSON error")


@check(LAB, points=1)
def check_malformed_input(app, register: Callable) -> None:
    """Malformed requests on every route (JSON arrays, wrong types, bad JSON, huge bodies, broken headers): no 500."""
    with serving(app, LAB) as probe:
        _, name, session_id = _logged_in(probe, register)
        routes = [("POST", "/login", {}), ("GET", "/profile", {}), ("GET", "/profile", {"cookies": {name: session_id}}),
                  ("POST", "/logout", {})]
        responses = _malformed.never_crash(probe, routes)
        logins = [response for response in responses if response.request.path_url == "/login"]
        opened = [response for response in logins if response.status_code == 200]
        if opened:
            fail(f"POST /login answered 200 to a malformed body ({opened[0].request.body[:60]!r})",
                 "log in only with a JSON object whose username and password are strings that match")
        ok(f"{len(responses)} malformed requests to POST /login, GET /profile and POST /logout: no crash, no login")


@check(LAB, points=3)
def check_passwords_hashed(register: Callable, users: dict) -> None:
    """USERS keeps a slow salted hash at OWASP's cost (argon2id, scrypt, bcrypt, PBKDF2), never the password."""
    password = secrets.token_urlsafe(18)
    first, _ = new_user(register, password)
    second, _ = new_user(register, password)
    if not isinstance(users, dict) or first not in users:
        fail(f"register({first!r}, ...) did not add {first!r} to USERS", "store users as USERS[username] = ...")
    record = users[first]
    shown = f"USERS[{first!r}] = {str(record)[:70]!r}"
    revealed = _passwords.reveals(record, password)
    if revealed:
        fail(f"register({first!r}, {password!r}) stored {shown}, which {revealed}", _passwords.HINT)
    ok("USERS neither holds the password nor anything that decodes to it")
    verdicts = {text: _passwords.judge(text) for text in _passwords.strings_in(record)}
    known = {text: verdict for text, verdict in verdicts.items() if verdict.scheme}
    if not known:
        fail(f"register() stored {shown}: {next(iter(verdicts.values())).problem if verdicts else 'no text at all'}",
             _passwords.HINT)
    text, verdict = next(iter(known.items()))
    if verdict.problem:
        fail(f"register() stored {shown}: {verdict.problem}", _passwords.HINT)
    if _passwords.verifies(verdict.scheme, text, password) is False:
        fail(f"the {verdict.scheme} hash in {shown} does not verify the password it was made from",
             "store the hash of the password you were given")
    ok(f"USERS holds a {verdict.scheme} hash at or above OWASP's minimum cost")
    if repr(users[first]) == repr(users[second]):
        fail("two users with the same password got identical records in USERS",
             "use a salted hash: every hash() call of a password library draws a new salt")
    ok("two users with the same password have different (salted) hashes")


@check(LAB, points=2)
def check_requires_session(app, register: Callable) -> None:
    """/profile refuses a request without a session cookie, or with a forged one."""
    with serving(app, LAB) as probe:
        json_error(probe.get("/profile"), "GET /profile without a cookie", 401)
        ok("GET /profile without a cookie returned 401 with a JSON error")
        _, name, _ = _logged_in(probe, register)
        for label, forged in {"a forged session ID": secrets.token_urlsafe(32), "an empty session ID": ""}.items():
            json_error(_profile(probe, name, forged), f"GET /profile with {label} in the {name!r} cookie", 401)
            ok(f"GET /profile with {label} returned 401")


@check(LAB, points=2)
def check_cookie_flags(app, register: Callable) -> None:
    """The session cookie is HttpOnly and SameSite, has no Domain, and a browser sends it to every route."""
    with serving(app, LAB) as probe:
        username, password = new_user(register)
        response = _login(probe, username, password)
        name, _ = _session_cookie(probe, response)
        morsel = set_cookies(response)[name]
        if not morsel["httponly"]:
            fail(f"the cookie {name!r} lacks HttpOnly, so page scripts can read it",
                 "pass httponly=True to response.set_cookie")
        ok(f"the cookie {name!r} is HttpOnly: JavaScript cannot read it")
        if morsel["samesite"].lower() not in ("lax", "strict"):
            fail(f"the cookie {name!r} has SameSite={morsel['samesite'] or '(not set)'}",
                 'pass samesite="Lax" (or "Strict") to response.set_cookie')
        ok(f"the cookie {name!r} is SameSite={morsel['samesite']}: other sites' requests do not carry it")
        _browser.reaches(probe, response, name, PROTECTED)
        ok(f"a browser sends the cookie {name!r} to GET /profile and POST /logout, and to no other host")


def _twin_ids(app, register: Callable, name: str, user: tuple[str, str], frozen: float) -> list[str]:
    """Session IDs from a forked copy of the app with `random` seeded to TWIN_SEED and the wall clock at `frozen`."""
    twin = from_kernel("twin_logins", app, register, list(user), name, TWIN_SEED, frozen, TWIN_LOGINS)
    if "problem" in twin:
        fail(f"a forked copy of your app could not log in: {twin['problem']}", "make check_login pass first")
    ids = []
    for status, value in twin["logins"]:
        if status != 200:
            fail(f"POST /login with the right password returned {status} in a forked copy of your app",
                 "it must return 200")
        if not value:
            fail(f"a login in a forked copy of your app set no {name!r} cookie, though the first one did",
                 "set the session cookie at every login")
        ids.append(value)
    return ids


@check(LAB, points=4)
def check_session_ids(app, register: Callable) -> None:
    """Session IDs carry at least 128 bits from `secrets`: unique, not counting up, not from the clock or `random`."""
    with serving(app, LAB) as probe:
        user = new_user(register)
        started = time.time()
        name, first = _session_cookie(probe, _login(probe, *user))
        ids = [_session_id(_login(probe, *user), name) for _ in range(ID_SAMPLES)]
        ended = time.time()
        _ids_differ(ids, started, ended, user[0])
        _not_cloned(probe, name, user, [first, *ids])
    _twin_check(app, register, name, user, time.time())


def _ids_differ(ids: list[str], started: float, ended: float, username: str) -> None:
    """Unique, not counting up, 128 bits or more, no hash of a counter, the time of the login or the username."""
    if len(set(ids)) < len(ids):
        fail(f"{ID_SAMPLES} logins got only {len(set(ids))} different session IDs",
             "create a new random ID for every login")
    numbers = _as_numbers(ids)
    if numbers and all(0 < b - a < 2**16 for a, b in zip(numbers, numbers[1:], strict=False)):
        fail(f"session IDs count up ({ids[0][-8:]}, {ids[1][-8:]}, ...), so the next one is easy to guess",
             "use secrets.token_urlsafe(32)")
    ok(f"{ID_SAMPLES} logins got {ID_SAMPLES} different session IDs that do not count up")
    bits, unit = _id_bits(ids)
    if bits < MIN_ID_BITS:
        fail(f"session IDs such as {ids[0]!r} carry {unit} {bits:.0f} random bits, fewer than {MIN_ID_BITS}",
             "use secrets.token_urlsafe(32), which carries 256")
    ok(f"session IDs carry {unit} {bits:.0f} random bits (at least {MIN_ID_BITS} needed)")
    _not_hashed(ids, _guessable.guessable_inputs(started, ended, username))


def _not_cloned(probe: Probe, name: str, user: tuple[str, str], ids: list[str]) -> None:
    """Clone Python's random from consecutive IDs, predict the next one, log in once more and compare.

    A generator created at the first login in each process (a private ``random.Random()``) is not
    shared by forked twins; cloning catches it. Quiet when the IDs cannot be raw twister output, or
    when the logins (each verifies a slow password hash) take longer than CLONE_BUDGET.
    """
    readings = _guessable.twister_readings(ids)
    if not readings:
        return
    deadline = time.monotonic() + CLONE_BUDGET
    needed = max(reading.ids_needed for reading in readings)
    while len(ids) < needed:
        if time.monotonic() > deadline:
            return
        response = _login(probe, *user)
        value = set_cookies(response).get(name)
        if response.status_code != 200 or value is None or not value.value:
            return  # a rate limit, say: nothing established either way
        ids.append(value.value)
    found = next((reading for reading in readings if reading.predicts(ids)), None)
    if found:
        fail(f"the check cloned Python's random from {len(ids) - 1} of your session IDs, read as {found.how} "
             f"({_guessable.TWISTER_WORDS} outputs of 32 bits fix a Mersenne Twister's state), and the clone "
             f"produced the ID of the next login, {ids[-1][:16]}...: a private random.Random() seeded from the OS "
             "is just as predictable (CWE-338)", "use secrets.token_urlsafe(32), the operating system's randomness")
    ok(f"a clone of Python's random built from {len(ids) - 1} of your session IDs did not predict the next one")


def _twin_check(app, register: Callable, name: str, user: tuple[str, str], frozen: float) -> None:
    twins = [_twin_ids(app, register, name, user, frozen) for _ in range(2)]
    _not_hashed(twins[0], _guessable.frozen_inputs(frozen), f"with the clock stopped at {frozen!r}, ")
    ok(f"session IDs are no md5, sha1, sha256 or sha512 of a counter up to {_guessable.COUNTERS:,}, of the "
       "time of the login or of the username")
    same = set(twins[0]) & set(twins[1])
    if same:
        fail(f"two copies of your app in separate processes, with Python's random seeded alike and the clock frozen, "
             f"both handed out the session ID {next(iter(same))!r}: it comes from the clock, from `random` or from "
             "a counter, and whoever learns that state (lesson 01 clones `random` from 156 IDs) predicts the next",
             "use secrets.token_urlsafe(32): the operating system's randomness, which no copy shares")
    ok("two copies of your app in separate processes, with `random` seeded alike and the clock frozen, "
       "handed out different IDs: they come from the operating system's randomness")


def _not_hashed(ids: list[str], inputs: _guessable.Inputs, when: str = "") -> None:
    found = _guessable.hash_behind(ids, inputs)
    if found:
        fail(f"{when}your session ID is {found}: a hash of a guessable input is as guessable as the input, "
             "so an attacker computes the next IDs (CWE-340)", "use secrets.token_urlsafe(32)")


def _id_bits(ids: list[str]) -> tuple[float, str]:
    """(bits, "exactly" or "about"): a UUID4 carries exactly 122 random bits, other IDs are estimated."""
    try:
        parsed = [uuid.UUID(value) for value in ids]
    except ValueError:
        return estimated_bits(ids), "about"
    if all(value.version == 4 for value in parsed):
        return 122.0, "exactly"
    return estimated_bits(ids), "about"


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
        response = probe.post("/logout", cookies={name: session_id})
        if not 200 <= response.status_code < 300:
            fail(f"POST /logout with the {name!r} cookie returned {response.status_code}",
                 "return 200 (or 204) after ending the session")
        ok(f"POST /logout returned {response.status_code}")
        response = _profile(probe, name, session_id)
        if response.status_code == 200:
            fail(f"after POST /logout a copy of the old {name!r} cookie still opens /profile "
                 "(clearing the cookie is not enough)", "delete the session from your server-side store in logout")
        json_error(response, "GET /profile with the logged-out session ID", 401)
        ok("the old session ID is refused after logout, even if someone kept a copy")


@check(LAB, points=2)
def check_no_fixation(app, register: Callable) -> None:
    """Login always issues a new session ID; an ID chosen before login is never kept."""
    with serving(app, LAB) as probe:
        username, password = new_user(register)
        name, first_id = _session_cookie(probe, _login(probe, username, password))
        planted = secrets.token_urlsafe(32)
        new_id = _session_id(_login(probe, username, password, cookies={name: planted}), name)
        if new_id == planted:
            fail(f"POST /login with the cookie {name}={planted[:12]}... planted by an attacker kept that ID "
                 "(session fixation)", "always create a new ID with secrets at login; never reuse the request's")
        if _profile(probe, name, planted).status_code == 200:
            fail("after login the planted session ID opens /profile (session fixation)",
                 "store the session under the new ID only")
        ok("a session ID planted before login is not adopted")
        renewed = _session_id(_login(probe, username, password, cookies={name: first_id}), name)
        if renewed == first_id:
            fail("logging in again while sending a valid session ID kept that ID",
                 "issue a fresh ID on every login, even when the request already has a session")
        ok("logging in again issues a fresh session ID")


@check(LAB, points=2)
def check_idle_expiry(app, register: Callable, clock, idle: float) -> None:
    """The server ends a session after IDLE_TIMEOUT seconds without a request (the check calls clock.advance)."""
    if not callable(clock) or not callable(getattr(clock, "advance", None)):
        fail(f"clock is {clock!r:.60}, not the Clock() the lab gives (callable, with an advance method)",
             "keep clock = Clock() and read the time only by calling clock()")
    if not isinstance(idle, int | float) or isinstance(idle, bool) or not 60 <= idle <= 24 * 3600:
        fail(f"IDLE_TIMEOUT is {idle!r}", "set it to a number of seconds, e.g. 15 * 60")
    with serving(app, LAB) as probe:
        _, name, session_id = _logged_in(probe, register)
        clock.advance(0.9 * idle)
        if _profile(probe, name, session_id).status_code != 200:
            fail(f"a session used {0.9 * idle:.0f} s after login was refused, before IDLE_TIMEOUT ({idle} s)",
                 "expire sessions only after IDLE_TIMEOUT seconds without a request")
        ok(f"a session used {0.9 * idle:.0f} s after login still works")
        clock.advance(0.9 * idle)
        if _profile(probe, name, session_id).status_code != 200:
            fail(f"a session last used {0.9 * idle:.0f} s ago was refused, {1.8 * idle:.0f} s after login",
                 "idle time counts from the last request: update the session's last-seen time in /profile")
        clock.advance(idle + 1)
        response = _profile(probe, name, session_id)
        if response.status_code == 200:
            fail(f"a session idle for {idle + 1:.0f} s (more than IDLE_TIMEOUT) still opened /profile",
                 "compare clock() - last_seen with IDLE_TIMEOUT on every request; read the time only via clock()")
        json_error(response, "GET /profile with an idle session", 401)
        ok(f"a session idle for more than IDLE_TIMEOUT ({idle} s) is refused with 401")
        ok(f"a session in use lives on past IDLE_TIMEOUT: it opened /profile {1.8 * idle:.0f} s after login, "
           "so every request restarts the idle timer")


CHECKS = [
    check_login,
    check_bad_credentials,
    check_malformed_input,
    check_passwords_hashed,
    check_requires_session,
    check_cookie_flags,
    check_session_ids,
    check_logout,
    check_no_fixation,
    check_idle_expiry,
]
