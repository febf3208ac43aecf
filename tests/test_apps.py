import base64
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes import FakeClock

import authlab
from authlab.apps import jwt_cookie_app, jwt_header_app, session_app
from authlab.client import CSRF_HEADER, log_in
from authlab.stores import MemoryStore
from authlab.users import Users
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
        "expired": "Bearer " + jwt.encode({**claims, "iat": now - 100, "exp": now - 10}, key, algorithm="HS256"),
        "no exp": "Bearer " + jwt.encode({k: v for k, v in claims.items() if k != "exp"}, key, algorithm="HS256"),
    }
    for case, value in cases.items():
        headers = {"Authorization": value} if value else {}
        response = requests.get(server.url + "/profile", headers=headers)
        assert response.status_code == 401, case
        assert response.json()["error"], case
    assert requests.get(server.url + "/profile", headers={"Authorization": f"Bearer {token}"}).status_code == 200


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
