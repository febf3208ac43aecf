"""The attack helpers: each forged token, crack and probe does what its docstring says."""

import hashlib
import hmac
import json
import random
import time
import warnings

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, session

import authlab
from authlab import attacks
from authlab.apps import jwt_cookie_app, session_app
from authlab.client import log_in
from authlab.stores import new_session_id
from authlab.users import Users
from authlab.vulnerable import fixation_app, flask_session_app, predictable_session_app, xss_app
from authlab.weak import weak_secrets
from authlab.wire import split_token

CLAIMS = {"sub": "alice", "iat": 1_700_000_000, "exp": 4_000_000_000}


@pytest.fixture(scope="module")
def users():
    return Users()


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("garbage, reason", [
    ("abc", "three parts"),
    ("a.b.c.d", "three parts"),
    ("!!!.e30.", "not base64url"),
    ("bm90IGpzb24.e30.", "header is not JSON"),
    ("W10.e30.", "header is JSON but not an object"),
    (None, "a JWT is a string"),
])
def test_garbage_tokens_get_a_one_line_reason(garbage, reason):
    with pytest.raises(attacks.MalformedTokenError, match=reason):
        attacks.crack_hs256(garbage)


def test_tampered_claims_keep_the_signature_and_fail_verification():
    token = jwt.encode(CLAIMS, "k" * 32, algorithm="HS256")
    forged = attacks.tamper_claims(token, sub="admin")
    assert forged.split(".")[0] == token.split(".")[0] and forged.split(".")[2] == token.split(".")[2]
    assert jwt.decode(forged, options={"verify_signature": False})["sub"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, "k" * 32, algorithms=["HS256"])


def test_unsigned_token_is_refused_by_pinned_pyjwt():
    token = attacks.forge_unsigned({"sub": "admin"})
    assert token.endswith(".") and attacks.unverified(token)[0]["alg"] == "none"
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(token, "k" * 32, algorithms=["HS256"])


def test_crack_finds_a_listed_secret_and_forges_with_it():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        token = jwt.encode(CLAIMS, "super-secret-key", algorithm="HS256")
        assert attacks.crack_hs256(token) == "super-secret-key"
        forged = attacks.forge_hs256({"sub": "admin"}, "super-secret-key")
        assert jwt.decode(forged, "super-secret-key", algorithms=["HS256"]) == {"sub": "admin"}
    assert attacks.crack_hs256(jwt.encode(CLAIMS, b"x" * 64, algorithm="HS512"), [b"y", b"x" * 64]) == "x" * 64
    assert attacks.crack_hs256(jwt.encode(CLAIMS, new_session_id(), algorithm="HS256")) is None


def test_crack_refuses_tokens_without_a_shared_secret(rsa_key):
    with pytest.raises(ValueError, match="not HMAC"):
        attacks.crack_hs256(jwt.encode(CLAIMS, rsa_key, algorithm="RS256"))


def test_whole_wordlist_is_cracked_quickly():
    last = weak_secrets()[-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        token = jwt.encode(CLAIMS, last, algorithm="HS256")
    started = time.perf_counter()
    assert attacks.crack_hs256(token) == last
    assert time.perf_counter() - started < 2  # generous: the bound, typically ~1 ms


def test_alg_confusion_token_is_hmac_over_the_public_pem(rsa_key):
    pem = attacks.public_key_pem(rsa_key)
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    token = attacks.alg_confusion_token(rsa_key.public_key(), {"sub": "admin"})
    header, _, signing_input, signature = split_token(token)
    assert header["alg"] == "HS256" and hmac.digest(pem, signing_input, hashlib.sha256) == signature
    with pytest.raises(jwt.InvalidKeyError, match="asymmetric key"):  # PyJWT's fix for CVE-2017-11424
        jwt.decode(token, pem, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(token, rsa_key.public_key(), algorithms=["RS256"])


def test_kid_and_jwk_headers(rsa_key):
    header, _ = attacks.unverified(attacks.kid_injection_token({"sub": "admin"}))
    assert header["kid"] == attacks.DEV_NULL_KID
    token = attacks.embedded_jwk_token({"sub": "admin"}, rsa_key)
    header, _ = attacks.unverified(token)
    assert jwt.decode(token, jwt.PyJWK(header["jwk"]).key, algorithms=["RS256"]) == {"sub": "admin"}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key(),
                   algorithms=["RS256"])


def test_expired_and_not_yet_valid_tokens_are_signed_but_refused():
    key = b"k" * 32
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(attacks.expired_token(CLAIMS, key), key, algorithms=["HS256"])
    with pytest.raises(jwt.ImmatureSignatureError):
        jwt.decode(attacks.not_yet_valid_token(CLAIMS, key), key, algorithms=["HS256"])
    unchecked = {"verify_exp": False, "verify_nbf": False}
    old_token = attacks.expired_token(CLAIMS, key)
    assert jwt.decode(old_token, key, algorithms=["HS256"], options=unchecked)["sub"] == "alice"


def test_cookie_flags_of_the_reference_and_xss_apps(users):
    for app, name, httponly in ((jwt_cookie_app(users=users), "access_token", True),
                                (xss_app(users=users), "access_token", False)):
        server = authlab.serve(app, show=False)
        response = log_in(requests.Session(), server.url)
        flags = {cookie.name: cookie for cookie in attacks.probe_cookie_flags(response)}
        assert flags[name].httponly is httponly
        assert flags[name].readable_by_script is not httponly
        assert any("CWE-1004" in problem for problem in flags[name].problems()) is not httponly
    assert flags["access_token"].samesite == "Lax" and flags["access_token"].path == "/"
    with pytest.raises(TypeError, match="Set-Cookie"):
        attacks.probe_cookie_flags("not a response")


def test_secure_ids_show_no_pattern():
    report = attacks.session_id_entropy([new_session_id() for _ in range(8)])
    assert not report.guessable and report.estimated_bits >= 250, report


@pytest.mark.parametrize("ids, finding", [
    (["1001", "1002", "1003", "1004"], "counter"),
    ([str(int(time.time() * 1000) + i * 300) for i in range(4)], "milliseconds"),
    ([str(random.random()) for _ in range(4)], "Math.random"),
    ([f"{random.getrandbits(32):08x}" for _ in range(4)], "at most 32 bits"),
    (["abc", "abc", "abd"], "issued twice"),
])
def test_guessable_ids_are_named(ids, finding):
    report = attacks.session_id_entropy(ids)
    assert report.guessable and finding in str(report), report


def test_entropy_needs_two_ids():
    with pytest.raises(ValueError, match="at least two"):
        attacks.session_id_entropy(["only-one"])


def test_python_random_is_cloned_from_156_ids():
    server_rng = random.Random()  # seeded from the OS: it does not help
    ids = [f"{server_rng.getrandbits(128):032x}" for _ in range(160)]
    clone = attacks.clone_python_random(ids[:156])
    assert [f"{clone.getrandbits(128):032x}" for _ in range(4)] == ids[156:]
    with pytest.raises(ValueError, match="need 156"):
        attacks.clone_python_random(ids[:100])
    with pytest.raises(ValueError, match="not a hex number"):
        attacks.clone_python_random(["zz"] * 156)


def test_ids_between_counters_and_timestamps():
    assert attacks.ids_between("1001", "1004") == ["1002", "1003"]
    assert attacks.ids_between("00fe", "0101") == ["00ff", "0100"]
    with pytest.raises(ValueError, match="limit"):
        attacks.ids_between("1", "9999999", limit=10)


def test_counter_ids_sandwich_attack(users):
    server = authlab.serve(predictable_session_app("counter", users), show=False)
    before = requests.get(server.url + "/").cookies["session_id"]
    victim = requests.Session()
    log_in(victim, server.url)
    after = requests.get(server.url + "/").cookies["session_id"]
    hits = [sid for sid in attacks.ids_between(before, after)
            if requests.get(server.url + "/profile", cookies={"session_id": sid}).ok]
    assert hits == [victim.cookies["session_id"]]


def _flask_cookie(secret: str) -> tuple[Flask, str]:
    app = Flask("signed")
    app.secret_key = secret

    @app.get("/")
    def index():
        session["user"] = "alice"
        return {"user": session.get("user")}

    @app.get("/me")
    def me():
        return {"user": session.get("user")}

    client = app.test_client()
    client.get("/")
    return app, client.get_cookie("session").value


def test_flask_session_cracked_and_forged():
    app, cookie = _flask_cookie("keyboard cat")
    assert attacks.decode_flask_session(cookie) == {"user": "alice"}  # readable without the key
    assert attacks.crack_flask_session(cookie) == "keyboard cat"
    forged = attacks.forge_flask_session({"user": "admin"}, "keyboard cat")
    client = app.test_client()
    client.set_cookie("session", forged)
    assert client.get("/me").json == {"user": "admin"}
    _, strong = _flask_cookie(new_session_id())
    assert attacks.crack_flask_session(strong) is None
    with pytest.raises(ValueError, match="not a Flask session cookie"):
        attacks.crack_flask_session("garbage")


def test_fixation_probe_on_weak_and_reference_apps(users):
    weak = attacks.Target(authlab.serve(fixation_app(users), show=False).url, "session")
    fixed = attacks.Target(authlab.serve(session_app(users=users), show=False).url, "session")
    assert attacks.fixation_probe(weak) and "issued it before login" in attacks.fixation_probe(weak).detail
    assert not attacks.fixation_probe(fixed)


def test_target_errors_are_one_line():
    with pytest.raises(attacks.TargetError, match="cannot reach .* Is the server running"):
        attacks.Target("http://127.0.0.1:9", "session").login()
    with pytest.raises(ValueError, match="kind must be one of"):
        attacks.Target("http://127.0.0.1:9", "cookies")


def test_wrong_password_is_a_target_error(users):
    server = authlab.serve(session_app(users=users), show=False)
    with pytest.raises(attacks.TargetError, match="failed with 401 Invalid credentials"):
        attacks.Target(server.url, "session", password="wrong").login()


def test_vulnerable_apps_are_labelled(users):
    import authlab.vulnerable as vulnerable

    for name in vulnerable.__all__:
        factory = getattr(vulnerable, name)
        assert factory.__doc__.startswith("VULNERABLE") and "Fix" in factory.__doc__, name
    app = predictable_session_app("counter", users)
    assert app.name.startswith("VULNERABLE-")
    response = app.test_client().get("/")
    assert "deliberately vulnerable" in response.headers["X-Authlab-Warning"]
    assert flask_session_app(new_session_id(), users).name == "VULNERABLE-flask-signed-session"
    assert json.loads(app.test_client().get("/profile").data) == {"error": "Not logged in"}
