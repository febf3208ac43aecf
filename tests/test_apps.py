import base64
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fakes import FakeClock

import authlab
from authlab.apps import jwt_cookie_app, jwt_header_app, session_app
from authlab.client import CSRF_HEADER, log_in
from authlab.stores import MemoryStore
from authlab.tokens import ACCESS_TOKEN_HEADERS
from authlab.users import DEMO_USERS, Users
from authlab.webapp import state_of


@pytest.fixture(scope="module")
def users():
    return Users()  # hashing is slow on purpose: build once


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("factory", [session_app, jwt_header_app, jwt_cookie_app])
def test_login_profile_and_errors(factory, users):
    server = authlab.serve(factory(users=users))
    client = requests.Session()
    assert client.get(server.url + "/profile").status_code == 401
    wrong = client.post(server.url + "/login", json={"username": "alice", "password": "nope"})
    unknown = client.post(server.url + "/login", json={"username": "mallory", "password": "secret123"})
    garbage = client.post(server.url + "/login", data="not json")
    for response in (wrong, unknown, garbage):
        assert response.status_code == 401 and response.json()["error"] == "Invalid credentials"
    assert log_in(client, server.url).status_code == 200
    assert client.get(server.url + "/profile").json() == {"user": "alice"}
    assert client.get(server.url + "/nowhere").json()["error"]  # JSON even for a 404


def test_session_cookie_flags_and_logout(users):
    app = session_app(users=users)
    server = authlab.serve(app)
    client = requests.Session()
    response = log_in(client, server.url)
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    sid = client.cookies["session_id"]
    assert state_of(app).store.load(sid)["user"] == "alice"
    stolen = dict(client.cookies)
    client.post(server.url + "/logout")
    assert state_of(app).store.load(sid) is None
    assert requests.get(server.url + "/profile", cookies=stolen).status_code == 401


def test_session_id_is_regenerated_at_login(users):
    server = authlab.serve(session_app(users=users))
    client = requests.Session()
    client.cookies.set("session_id", "attacker-chosen", domain="127.0.0.1", path="/")
    log_in(client, server.url)
    assert client.cookies["session_id"] != "attacker-chosen"
    assert requests.get(server.url + "/profile", cookies={"session_id": "attacker-chosen"}).status_code == 401


def test_idle_and_absolute_expiry(users):
    clock = FakeClock()
    server = authlab.serve(session_app(MemoryStore(clock), users, idle_timeout=60, absolute_timeout=300))
    client = requests.Session()
    log_in(client, server.url)
    for _ in range(6):  # active every 50 s: idle expiry never hits, the absolute one does
        clock.now += 50
        expected = 200 if clock.now - 1_000_000 < 300 else 401
        assert client.get(server.url + "/profile").status_code == expected
    log_in(client, server.url)
    clock.now += 61
    assert client.get(server.url + "/profile").status_code == 401


def test_bearer_rejections_are_401_json(users):
    app = jwt_header_app(users=users)
    server = authlab.serve(app)
    token = log_in(requests.Session(), server.url).json()["token"]
    key = state_of(app).signing_key
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, key, algorithms=["HS256"], audience="authlab-api")
    now = int(time.time())
    cases = {
        "missing": None,
        "no token": "Bearer",
        "wrong scheme": f"Basic {token}",
        "garbage": "Bearer not.a.token",
        "tampered": f"Bearer {header}.{_b64({**claims, 'sub': 'admin'})}.{signature}",
        "alg none": f"Bearer {_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.",
        "other key": "Bearer " + jwt.encode(claims, b"k" * 32, algorithm="HS256"),
        "expired": "Bearer " + jwt.encode({**claims, "iat": now - 100, "exp": now - 10}, key, algorithm="HS256",
                                          headers=ACCESS_TOKEN_HEADERS),
        "no exp": "Bearer " + jwt.encode({k: v for k, v in claims.items() if k != "exp"}, key, algorithm="HS256",
                                         headers=ACCESS_TOKEN_HEADERS),
        "same key, not an access token (typ JWT)": "Bearer " + jwt.encode(claims, key, algorithm="HS256"),
    }
    for case, value in cases.items():
        headers = {"Authorization": value} if value else {}
        response = requests.get(server.url + "/profile", headers=headers)
        assert response.status_code == 401, case
        assert response.json()["error"], case
    assert "expired" in requests.get(server.url + "/profile", headers={"Authorization": cases["expired"]}).text
    assert requests.get(server.url + "/profile", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("key, algorithm", [(ec.generate_private_key(ec.SECP256R1()), "ES256"),
                                            (rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")])
def test_asymmetric_keys_sign_their_algorithm_and_access_tokens_are_typed(users, key, algorithm):
    app = jwt_header_app(key, users)
    server = authlab.serve(app, name=f"typed-{algorithm}")
    token = log_in(requests.Session(), server.url).json()["token"]
    assert jwt.get_unverified_header(token) == {"alg": algorithm, "typ": "at+jwt"}
    assert state_of(app).algorithm == algorithm and state_of(app).verifying_key.public_numbers()
    claims = jwt.decode(token, key.public_key(), algorithms=[algorithm], audience="authlab-api")
    id_token_like = jwt.encode(claims, key, algorithm=algorithm, headers={"typ": "JWT"})
    response = requests.get(server.url + "/profile", headers={"Authorization": f"Bearer {id_token_like}"})
    assert response.status_code == 401 and "not an access token" in response.json()["error"]


def test_stateless_logout_keeps_token_valid_but_denylist_revokes(users):
    stateless = authlab.serve(jwt_header_app(users=users), name="stateless")
    revocable = authlab.serve(jwt_header_app(users=users, denylist=MemoryStore()), name="revocable")
    for server, after in ((stateless, 200), (revocable, 401)):
        client = requests.Session()
        log_in(client, server.url)
        copy = dict(client.headers)
        client.post(server.url + "/logout")
        assert requests.get(server.url + "/profile", headers=copy).status_code == after


def test_rs256_verifier_holds_only_the_public_key(users):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    app = jwt_header_app(private, users)
    server = authlab.serve(app)
    token = log_in(requests.Session(), server.url).json()["token"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert state_of(app).verifying_key.public_numbers() == private.public_key().public_numbers()
    jwt.decode(token, private.public_key(), algorithms=["RS256"], audience="authlab-api")


def test_cookie_app_csrf_and_logout(users):
    app = jwt_cookie_app(users=users)
    server = authlab.serve(app)
    client = requests.Session()
    response = log_in(client, server.url)
    cookies = {c.name: c for c in client.cookies}
    assert cookies["access_token"].has_nonstandard_attr("HttpOnly")
    assert not cookies["csrf_token"].has_nonstandard_attr("HttpOnly")
    assert "SameSite=Strict" in response.headers["Set-Cookie"]
    no_csrf = requests.post(server.url + "/settings", json={"email": "a@x"}, cookies=dict(client.cookies))
    assert no_csrf.status_code == 403 and CSRF_HEADER in no_csrf.json()["error"]
    assert client.post(server.url + "/settings", json={"email": "a@x"}).status_code == 200
    assert state_of(app).settings["alice"] == {"email": "a@x"}
    stolen = dict(client.cookies)
    assert client.post(server.url + "/logout").status_code == 200
    assert "access_token" not in client.cookies
    replay = requests.get(server.url + "/profile", cookies=stolen)
    assert replay.status_code == 401 and replay.json()["error"] == "Token revoked"


def test_cookie_app_refuses_a_planted_csrf_cookie_with_a_matching_header(users):
    """The naive double submit accepted this (200): any csrf_token cookie equal to the header."""
    app = jwt_cookie_app(users=users)
    server = authlab.serve(app)
    client = requests.Session()
    log_in(client, server.url)
    planted = {**dict(client.cookies), "csrf_token": "chosen-by-the-attacker"}
    forged = requests.post(server.url + "/settings", json={"email": "evil@x"}, cookies=planted,
                           headers={CSRF_HEADER: "chosen-by-the-attacker"})
    assert forged.status_code == 403 and "CSRF check failed" in forged.json()["error"]
    other = requests.Session()
    other_token = log_in(other, server.url).json()["csrf_token"]  # valid, but bound to another login
    borrowed = requests.post(server.url + "/settings", json={"email": "evil@x"}, headers={CSRF_HEADER: other_token},
                             cookies={**dict(client.cookies), "csrf_token": other_token})
    assert borrowed.status_code == 403
    assert "alice" not in state_of(app).settings
    assert client.post(server.url + "/settings", json={"email": "a@x"}).status_code == 200  # the page's own flow


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "https://attacker.example"}])
def test_cookie_app_refuses_requests_another_site_started_even_with_the_token(users, headers):
    app = jwt_cookie_app(users=users)
    server = authlab.serve(app)
    client = requests.Session()
    log_in(client, server.url)
    answer = client.post(server.url + "/settings", json={"email": "evil@x"}, headers=headers)
    assert answer.status_code == 403 and "CSRF check failed" in answer.json()["error"]
    assert client.post(server.url + "/settings", json={"email": "a@x"},
                       headers={"Sec-Fetch-Site": "same-origin", "Origin": server.url}).status_code == 200


@pytest.mark.parametrize("make_app, names", [
    (lambda users: session_app(users=users), {"__Host-session_id"}),
    (lambda users: jwt_cookie_app(users=users), {"__Host-access_token", "__Host-csrf_token"}),
])
def test_reference_apps_use_host_prefixed_cookies_over_https(users, make_app, names):
    server = authlab.serve(make_app(users), https=True)
    client = requests.Session()
    response = client.post(server.url + "/login", json={"username": "alice", "password": DEMO_USERS["alice"]},
                           verify=server.ca_bundle)
    assert {cookie.name for cookie in client.cookies} == names
    for header in response.raw.headers.getlist("Set-Cookie"):
        assert "Secure" in header and "Path=/" in header and "Domain" not in header
    headers = {CSRF_HEADER: response.json()["csrf_token"]} if "csrf_token" in response.json() else {}
    assert client.get(server.url + "/profile", verify=server.ca_bundle).json() == {"user": "alice"}
    assert client.post(server.url + "/logout", headers=headers, verify=server.ca_bundle).status_code == 200
    assert not client.cookies  # cleared under the same prefixed names
    assert client.get(server.url + "/profile", verify=server.ca_bundle).status_code == 401


def test_users_store_argon2id_at_owasps_parameters():
    from argon2 import extract_parameters

    users = Users({"carol": "a long passphrase"})
    stored = users._hashes["carol"]
    parameters = extract_parameters(stored)
    assert stored.startswith("$argon2id$") and "a long passphrase" not in stored
    assert parameters.memory_cost >= 19456 and parameters.time_cost >= 2 and parameters.parallelism == 1
    assert users.authenticate("carol", "a long passphrase") == "carol"
    assert users.authenticate("carol", "a long passphrase!") is None
