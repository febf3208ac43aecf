"""The probes under the lab checks on known inputs: password records, keys, moved clocks, forks, cookie jars."""

import base64
import datetime
import hashlib
import re
import secrets
import string
import time
from time import time as imported_time

import argon2
import pytest
import requests
from fakes import lab1_app
from flask import Flask, make_response

import authlab.checks
from authlab.checks import _browser, _clocks, _forks, _guessable, _keys, _passwords
from authlab.checks._core import serving

SALT, DIGEST = "c2FsdHNhbHRzYWx0", "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo"


@pytest.mark.parametrize(("record", "scheme", "good"), [
    (f"$argon2id$v=19$m=19456,t=2,p=1${SALT}${DIGEST}", "argon2id", True),
    (f"$argon2id$v=19$m=47104,t=1,p=1${SALT}${DIGEST}", "argon2id", True),
    (f"$argon2id$v=19$m=7168,t=5,p=1${SALT}${DIGEST}", "argon2id", True),
    (f"$argon2id$v=19$m=8192,t=1,p=1${SALT}${DIGEST}", "argon2id", False),
    (f"$argon2id$v=19$m=19456,t=1,p=1${SALT}${DIGEST}", "argon2id", False),
    (f"$argon2i$v=19$m=65536,t=3,p=1${SALT}${DIGEST}", "argon2i", False),
    (f"scrypt:131072:8:1${SALT}${DIGEST}", "scrypt", True),
    (f"scrypt:32768:8:3${SALT}${DIGEST}", "scrypt", True),
    (f"scrypt:32768:8:1${SALT}${DIGEST}", "scrypt", False),  # Werkzeug's default
    (f"$scrypt$ln=17,r=8,p=1${SALT}${DIGEST}", "scrypt", True),
    (f"$scrypt$ln=16,r=8,p=1${SALT}${DIGEST}", "scrypt", False),
    ("$2b$10$" + "a" * 53, "bcrypt", True),
    ("$2b$09$" + "a" * 53, "bcrypt", False),
    (f"pbkdf2:sha256:600000${SALT}${DIGEST}", "pbkdf2-sha256", True),
    (f"pbkdf2:sha256:599999${SALT}${DIGEST}", "pbkdf2-sha256", False),
    (f"pbkdf2_sha256$600000${SALT}${DIGEST}", "pbkdf2-sha256", True),
    (f"$pbkdf2-sha512$210000${SALT}${DIGEST}", "pbkdf2-sha512", True),
    (f"pbkdf2:sha1:1000000${SALT}${DIGEST}", "pbkdf2-sha1", False),
    ("0123abcd$" + hashlib.sha256(b"0123abcdpw").hexdigest(), None, False),
    (hashlib.sha256(b"pw").hexdigest(), None, False),
])
def test_password_records_are_judged_by_owasp_minimums(record, scheme, good):
    verdict = _passwords.judge(record)
    assert verdict.scheme == scheme
    assert (verdict.problem is None) is good, verdict.problem


def test_records_that_give_the_password_back_are_found():
    password = secrets.token_urlsafe(12)
    salt = secrets.token_bytes(8)
    assert "contains" in _passwords.reveals({"hash": password}, password)
    assert "base64" in _passwords.reveals(base64.b64encode(salt + password.encode()).decode(), password)
    assert "hex" in _passwords.reveals("x$" + password.encode().hex(), password)
    assert "decodes" in _passwords.reveals(base64.urlsafe_b64encode(b"\xfb\xff" + password.encode()).decode(), password)
    hasher = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    stored = hasher.hash(password)
    assert _passwords.reveals(stored, password) is None
    assert _passwords.verifies("argon2id", stored, password) is True
    assert _passwords.verifies("argon2id", stored, password + "x") is False


@pytest.mark.parametrize(("key", "weak"), [
    ("a" * 64, "repeated"),
    (b"ab" * 32, "repeated"),
    (hashlib.sha256(b"password").hexdigest(), "sha256 of the common word 'password'"),
    (hashlib.md5(b"secret").digest() * 2, "repeated"),
    (base64.b64encode(hashlib.sha512(b"changeme").digest()), "sha512 of the common word 'changeme'"),
    ("".join(secrets.choice("01") for _ in range(64)), ""),  # a short alphabet: caught as steps or as entropy
    (string.ascii_letters + string.digits, "sequence"),
    ("secret", "common secrets"),
    (secrets.token_bytes(16), "16 bytes"),
    (secrets.token_bytes(32), None),
    (secrets.token_hex(32), None),
    (secrets.token_urlsafe(32), None),
], ids=lambda value: type(value).__name__)  # stable ids: some keys are random
def test_guessable_keys_are_named(key, weak):
    problem = _keys.weak_key(key)
    if weak is None:
        assert problem is None
    else:
        assert problem is not None and weak in problem, problem


def _response(body: bytes, headers: dict[str, str]) -> requests.Response:
    response = requests.Response()
    response._content, response.status_code = body, 401
    response.headers.update(headers)
    return response


@pytest.mark.parametrize("key", [secrets.token_bytes(32), secrets.token_urlsafe(32)], ids=["bytes", "text"])
def test_a_key_in_any_printed_form_is_a_leak(key):
    data = _keys.key_bytes(key)
    for form in (data.hex(), base64.b64encode(data).decode(), repr(key)):
        assert _keys.leak(key, _response(f'{{"error": "bad", "debug": "{form}"}}'.encode(), {})) == "its body"
    assert _keys.leak(key, _response(b"{}", {"X-Debug": data.hex()})) == "its X-Debug header"
    assert _keys.leak(key, _response(b'{"error": "invalid token"}', {"Content-Type": "application/json"})) is None


CLOCKS = {"now": datetime.datetime.now, "time": time.time}
CLOCK_LIST = [time.time_ns]


def _wall_clock_everywhere(now=time.time):
    captured = datetime.datetime.now

    def closure():
        return captured().timestamp()

    return {"default": now(), "module": time.time(), "imported": imported_time(), "closure": closure(),
            "datetime": datetime.datetime.now().timestamp(), "ns": time.time_ns() / 1e9,
            "dict": CLOCKS["now"]().timestamp(), "dict-time": CLOCKS["time"](), "list": CLOCK_LIST[0]() / 1e9}


def test_the_moved_wall_clock_reaches_names_defaults_and_closures():
    frozen = 1_000_000_000.0
    with _clocks.wall_clock_moved(_clocks.WallClock(lambda: frozen), [_wall_clock_everywhere]):
        readings = _wall_clock_everywhere()
    assert readings == dict.fromkeys(readings, frozen)
    after = _wall_clock_everywhere()
    assert all(value > 1.7e9 for value in after.values())
    assert _wall_clock_everywhere.__defaults__ == (time.time,) and imported_time is globals()["imported_time"]
    assert CLOCKS == {"now": datetime.datetime.now, "time": time.time} and CLOCK_LIST == [time.time_ns]


def test_flask_request_proxies_are_not_touched_when_the_clock_moves():
    from flask import request  # an unbound LocalProxy in these globals: looking at it would raise

    def view():
        return request, time.time()

    with _clocks.wall_clock_moved(_clocks.WallClock(lambda: 5.0), [view]):
        assert view()[1] == 5.0


def test_a_fork_reports_its_value_its_failure_and_its_silence():
    assert _forks.in_fork(lambda: {"pid": "child", "n": [1, 2]}) == {"pid": "child", "n": [1, 2]}

    def failing():
        raise AssertionError("the check failed in the child")

    with pytest.raises(_forks.ChildFailed, match="the check failed in the child") as failure:
        _forks.in_fork(failing)
    assert failure.value.check_failed
    with pytest.raises(TimeoutError):
        _forks.in_fork(lambda: time.sleep(30), timeout=0.5)


def test_forked_twins_share_a_private_random_generator_but_not_secrets():
    import random

    generator = random.Random()
    assert _forks.in_fork(lambda: generator.getrandbits(64)) == _forks.in_fork(lambda: generator.getrandbits(64))
    assert _forks.in_fork(lambda: secrets.token_hex(16)) != _forks.in_fork(lambda: secrets.token_hex(16))


def _cookie_app(**options) -> Flask:
    app = Flask(f"jar-{secrets.token_hex(2)}")

    @app.post("/login")
    def login():
        response = make_response({"ok": True})
        response.set_cookie("theme", "dark")
        response.set_cookie("sid", "s3cr3t", httponly=True, **options)
        return response

    @app.get("/profile")
    def profile():
        from flask import request

        return ({"ok": True}, 200) if request.cookies.get("sid") == "s3cr3t" else ({"error": "no"}, 401)

    return app


def test_the_session_cookie_is_the_one_that_opens_the_profile_and_reaches_every_route():
    with serving(_cookie_app(), "jar") as probe:
        response = probe.post("/login")
        assert _browser.session_cookie(probe, response) == ("sid", "s3cr3t")
        _browser.reaches(probe, response, "sid", [("GET", "/profile"), ("POST", "/logout")])


@pytest.mark.parametrize(("options", "message"), [
    ({"path": "/profile"}, "does not send the cookie 'sid' (Path=/profile) with POST /logout"),
    ({"domain": "localhost"}, "has Domain=localhost"),
])
def test_a_cookie_that_misses_routes_or_reaches_subdomains_fails(options, message):
    with serving(_cookie_app(**options), "jar") as probe:
        response = probe.post("/login")
        with pytest.raises(AssertionError, match=re.escape(message)):
            _browser.reaches(probe, response, "sid", [("GET", "/profile"), ("POST", "/logout")])


def test_time_time_differences_have_a_fingerprint_perf_counter_ones_do_not():
    lab4 = authlab.checks.fresh("lab4")
    wall, monotonic = [], []
    for _ in range(5):
        start, started = time.time(), time.perf_counter()
        sum(range(20000))
        wall.append(time.time() - start)
        monotonic.append(time.perf_counter() - started)
    assert lab4._from_time_time(wall) and not lab4._from_time_time(monotonic)


NOW = time.time()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(("session_id", "found"), [
    (hashlib.sha256(b"17").hexdigest(), "sha256('17') (a counter), as hex"),
    (_b64url(hashlib.md5((99_999).to_bytes(8, "big")).digest()),
     "md5((99999).to_bytes(8, 'big')) (a counter), as base64url"),
    (hashlib.sha1(str(int(NOW)).encode()).hexdigest().upper(), "(the time of the login in seconds)"),
    (hashlib.sha512(str(int(NOW * 1000)).encode()).hexdigest(), "(the time of the login in milliseconds)"),
    (hashlib.sha256(datetime.datetime.fromtimestamp(int(NOW)).isoformat().encode()).hexdigest(),
     "(the time of the login as text)"),
    (base64.b64encode(hashlib.sha256(b"user-1234").digest()).decode(), "sha256('user-1234') (the username), as base64"),
    (secrets.token_urlsafe(32), None),
    (secrets.token_hex(16), None),
], ids=["counter", "counter-bytes", "seconds", "milliseconds", "isoformat", "username", "token_urlsafe", "token_hex"])
def test_session_ids_that_hash_a_guessable_input_are_named(session_id, found):
    inputs = _guessable.guessable_inputs(NOW - 1, NOW + 1, "user-1234")
    started = time.process_time()  # CPU time: the wall clock of a loaded machine says little
    named = _guessable.hash_behind([session_id, session_id[::-1]], inputs)
    assert time.process_time() - started < 0.5  # 0.15 s measured for one digest size
    assert (named is None) if found is None else (found in named), named


def test_the_readings_of_a_stopped_clock_are_guessable():
    frozen = 1_796_000_000.123456
    for text in (str(frozen), str(int(frozen * 1e6)), str(datetime.datetime.fromtimestamp(frozen))):
        found = _guessable.hash_behind([hashlib.sha256(text.encode()).hexdigest()], _guessable.frozen_inputs(frozen))
        assert found == f"sha256({text!r}) (the time of the login), as hex"


@pytest.mark.parametrize(("make", "how"), [
    (lambda generator: f"{generator.getrandbits(128):032x}", "getrandbits(...) as hex"),
    (lambda generator: str(generator.getrandbits(96)), "str(getrandbits(...))"),
    (lambda generator: generator.randbytes(16).hex(), "randbytes(16) as hex"),
    (lambda generator: _b64url(generator.randbytes(32)), "randbytes(32) as base64url"),
    (lambda generator: _b64url(generator.getrandbits(256).to_bytes(32, "big")),
     "getrandbits(256).to_bytes(big) as base64url"),
    (lambda generator: secrets.token_urlsafe(32), None),
], ids=["getrandbits-hex", "getrandbits-decimal", "randbytes-hex", "randbytes-base64url", "getrandbits-bytes",
        "secrets"])
def test_a_mersenne_twister_is_cloned_from_its_raw_output(make, how):
    import random

    generator = random.Random()
    ids = [make(generator) for _ in range(300)]
    readings = _guessable.twister_readings(ids[:9])
    assert readings
    predicting = [reading.how for reading in readings if reading.predicts(ids[:reading.ids_needed])]
    assert predicting == ([how] if how else [])


def test_ids_no_twister_could_give_rule_cloning_out():
    assert _guessable.twister_readings(["not-hex!", "either"]) == []
    assert _guessable.twister_readings([secrets.token_urlsafe(30) for _ in range(9)]) == []  # 30 bytes: no whole words
    ids = [secrets.token_hex(16) for _ in range(9)]
    later = ids + ["not-hex!"] * 200  # the format changed after the first logins
    assert not any(reading.predicts(later) for reading in _guessable.twister_readings(ids))


def _hashed_counter():
    count = iter(range(1, 10**6))
    return lambda: hashlib.sha256(str(next(count)).encode()).hexdigest()


def _per_process_random():
    import os
    import random

    generators = {}
    return lambda: _b64url(generators.setdefault(os.getpid(), random.Random()).randbytes(32))


@pytest.mark.parametrize(("make_id", "message"), [
    (_hashed_counter, "your session ID is sha256('"),
    (lambda: lambda: hashlib.md5(str(time.time()).encode()).hexdigest(), "with the clock stopped at"),
    (_per_process_random, "the check cloned Python's random from 78 of your session IDs, read as randbytes(32)"),
], ids=["counter", "float-time", "private-random"])
def test_the_session_id_check_names_how_ids_are_guessed(make_id, message):
    lab1 = authlab.checks.fresh("lab1")
    app, register = lab1_app(make_id())
    with pytest.raises(AssertionError, match=re.escape(message)):
        lab1.check_session_ids(app, register)


def test_datetime_differences_are_whole_microseconds_perf_counter_ones_are_not():
    lab4 = authlab.checks.fresh("lab4")
    wall, monotonic = [], []
    for _ in range(lab4.FINGERPRINT_SAMPLES):
        start, started = datetime.datetime.now(), time.perf_counter()
        time.sleep(0.001)
        wall.append((datetime.datetime.now() - start).total_seconds())
        monotonic.append(time.perf_counter() - started)
    assert lab4._from_datetime(wall) and not lab4._from_datetime(monotonic)
    assert not lab4._from_datetime(wall[:-1])  # too few samples to tell


def _typ_app(key: bytes, algorithms_from_token: bool) -> Flask:
    """Issues tokens with typ "at+jwt" and a header field of its own, and refuses tokens without both."""
    import jwt
    from flask import request

    app = Flask(f"typ-{secrets.token_hex(2)}")

    @app.get("/profile")
    def profile():
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            header = jwt.get_unverified_header(token)
            if header.get("typ") != "at+jwt" or header.get("app") != "mine":
                raise jwt.InvalidTokenError("not one of ours")
            algorithms = [header["alg"]] if algorithms_from_token else ["HS256"]
            claims = jwt.decode(token, key, algorithms=algorithms, options={"require": ["exp", "iat", "sub"]})
        except jwt.PyJWTError:  # InvalidKeyError too: alg "none" with a key
            return {"error": "bad token"}, 401
        return {"message": f"Hello, {claims['sub']}"}

    return app


@pytest.mark.parametrize("algorithms_from_token", [False, True], ids=["pinned", "from-token"])
def test_forged_tokens_carry_the_apps_whole_header(algorithms_from_token):
    import jwt

    from authlab.checks import _jwt

    key = secrets.token_bytes(32)
    now = int(time.time())
    issued = jwt.encode({"sub": "ann", "iat": now, "exp": now + 60}, key, headers={"typ": "at+jwt", "app": "mine"})
    template = _jwt.template_of(issued, key)
    assert template.header == {"typ": "at+jwt", "app": "mine"}
    with serving(_typ_app(key, algorithms_from_token), "typ") as probe:
        def send(token):
            return probe.get("/profile", headers={"Authorization": f"Bearer {token}"})

        for probe_of in (_jwt.key_headers, _jwt.other_keys, _jwt.expired):
            probe_of(send, key, template)
        if algorithms_from_token:
            with pytest.raises(AssertionError, match="signed with SECRET_KEY but alg HS384 was accepted"):
                _jwt.pinned_algorithm(send, key, template)
        else:
            _jwt.pinned_algorithm(send, key, template)
