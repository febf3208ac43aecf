import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization

import authlab
from authlab.jwks import JWKS_PATH, SigningKey, auth_service, resource_service, thumbprint
from authlab.stores import MemoryStore
from authlab.tokens import ACCESS_TOKEN_HEADERS, AUDIENCE, ISSUER, access_claims
from authlab.users import Users

ALICE = {"username": "alice", "password": "secret123"}


@pytest.fixture(scope="module")
def users():
    return Users()


@pytest.fixture(scope="module")
def key():
    return SigningKey()


@pytest.fixture
def services(users, key):
    """An auth service and a resource service sharing one denylist store, in this process."""
    store = MemoryStore()
    auth = authlab.serve(auth_service(store, users, key=key), name="test-auth", show=False)
    api = authlab.serve(resource_service(auth.url + JWKS_PATH, denylist=store), name="test-api", show=False)
    return auth, api


def _login(auth) -> dict:
    response = requests.post(auth.url + "/login", json=ALICE, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def _profile(api, token: str) -> requests.Response:
    return requests.get(api.url + "/profile", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _issue(key: SigningKey, lifetime: float = 60, headers: dict = ACCESS_TOKEN_HEADERS) -> str:
    return key.sign(access_claims("alice", lifetime), headers)


def _hs256(claims: dict, key: SigningKey) -> str:
    """The algorithm-confusion forgery: HMAC keyed with the (public) key's PEM."""
    pem = key.public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': key.kid})}.{_b64(claims)}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def test_thumbprint_matches_rfc7638_example():
    example = {
        "kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
        "n": (
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWK"
            "RXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMic"
            "AtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3"
            "XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        ),
    }
    assert thumbprint(example) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_jwks_publishes_only_the_public_key(services, key):
    auth, _ = services
    response = requests.get(auth.url + JWKS_PATH, timeout=5)
    (published,) = response.json()["keys"]
    assert published["kid"] == key.kid and published["alg"] == "ES256" and published["use"] == "sig"
    assert published["kty"] == "EC" and published["crv"] == "P-256"
    assert "d" not in published  # the private part
    assert "max-age=300" in response.headers["Cache-Control"]


def test_token_verifies_at_the_resource_service(services, key):
    auth, api = services
    body = _login(auth)
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300 and body["refresh_token"]
    assert jwt.get_unverified_header(body["access_token"]) == {"alg": "ES256", "kid": key.kid, "typ": "at+jwt"}
    assert _profile(api, body["access_token"]).json() == {"user": "alice", "service": "resource-service"}


def test_the_key_set_is_fetched_once_and_not_needed_after(services):
    auth, api = services
    token = _login(auth)["access_token"]
    for _ in range(5):
        assert _profile(api, token).status_code == 200
    assert [e.path for e in auth.log].count(JWKS_PATH) == 1
    auth.stop()
    assert _profile(api, token).status_code == 200


def test_without_the_auth_service_the_first_verification_fails_clearly(users):
    auth = authlab.serve(auth_service(users=users), name="test-auth-gone", show=False)
    api = authlab.serve(resource_service(auth.url + JWKS_PATH), name="test-api-alone", show=False)
    token = _login(auth)["access_token"]
    auth.stop()
    response = _profile(api, token)
    assert response.status_code == 401 and "is the auth service running?" in response.json()["error"]


def test_forged_tokens_are_refused(services, key):
    auth, api = services
    token = _login(auth)["access_token"]
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    now = int(time.time())
    other_key = SigningKey()
    forgeries = {
        "tampered payload": f"{header}.{_b64({**claims, 'sub': 'bob'})}.{signature}",
        "alg none": f"{_b64({'alg': 'none', 'kid': key.kid})}.{_b64(claims)}.",
        "HS256 keyed with the public key": _hs256(claims, key),
        "another key, same kid": jwt.encode(claims, other_key.private_key, algorithm="ES256",
                                            headers={"kid": key.kid, "typ": "at+jwt"}),
        "expired": _issue(key, lifetime=-10),
        "wrong audience": key.sign({**claims, "aud": "elsewhere"}, ACCESS_TOKEN_HEADERS),
        "no jti": key.sign({"sub": "alice", "iat": now, "exp": now + 60, "iss": ISSUER, "aud": AUDIENCE},
                           ACCESS_TOKEN_HEADERS),
        "an ID-token-like JWT of the same key (typ JWT)": key.sign(claims, {"typ": "JWT"}),
        "no typ at all": key.sign(claims),
        "a refresh-like JWT of the same key": key.sign(claims, {"typ": "refresh+jwt"}),
        "garbage": "not.a.token",
    }
    for label, forged in forgeries.items():
        response = _profile(api, forged)
        assert response.status_code == 401, label
        assert response.json()["error"] and "Traceback" not in response.text, label
        if "typ" in label or "refresh-like" in label:
            assert "not an access token" in response.json()["error"], label
    assert _profile(api, key.sign(claims, {"typ": "application/AT+JWT"})).status_code == 200  # RFC 7515 §4.1.9


def test_unknown_key_id_is_named(services):
    auth, api = services
    _login(auth)  # the api has not fetched the key set yet: the unknown kid triggers the first fetch
    stranger = _issue(SigningKey())
    response = _profile(api, stranger)
    assert response.status_code == 401 and "Unknown signing key" in response.json()["error"]


def test_missing_or_malformed_authorization(services):
    _, api = services
    assert "Bearer" in requests.get(api.url + "/profile", timeout=5).json()["error"]
    response = requests.get(api.url + "/profile", headers={"Authorization": "Basic abc"}, timeout=5)
    assert response.status_code == 401


def test_logout_denies_the_access_token_everywhere_the_store_reaches(services, users):
    auth, api = services
    store = auth.app.extensions["authlab"].store
    no_denylist = authlab.serve(resource_service(auth.url + JWKS_PATH), name="test-api-plain", show=False)
    body = _login(auth)
    token = body["access_token"]
    assert _profile(api, token).status_code == 200
    response = requests.post(auth.url + "/logout", headers={"Authorization": f"Bearer {token}"},
                             json={"refresh_token": body["refresh_token"]}, timeout=5)
    assert response.json()["revoked"] == ["access token", "refresh tokens"]
    assert _profile(api, token).json()["error"] == "Token revoked"
    assert _profile(no_denylist, token).status_code == 200  # no store, no revocation
    assert len(store) >= 1


def test_refresh_rotation_and_reuse_over_http(services):
    auth, api = services
    first = _login(auth)
    second = requests.post(auth.url + "/refresh", json={"refresh_token": first["refresh_token"]}, timeout=5).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert _profile(api, second["access_token"]).status_code == 200
    replay = requests.post(auth.url + "/refresh", json={"refresh_token": first["refresh_token"]}, timeout=5)
    assert replay.status_code == 401 and "reuse detected" in replay.json()["error"]
    newest = requests.post(auth.url + "/refresh", json={"refresh_token": second["refresh_token"]}, timeout=5)
    assert newest.status_code == 401 and "revoked" in newest.json()["error"]
    malformed = requests.post(auth.url + "/refresh", data="nope", timeout=5)
    assert malformed.status_code == 400 and "refresh_token" in malformed.json()["error"]


def test_wrong_password_is_refused(services):
    auth, _ = services
    response = requests.post(auth.url + "/login", json={**ALICE, "password": "nope"}, timeout=5)
    assert response.status_code == 401 and response.json() == {"error": "Invalid credentials"}


def test_an_rs256_issuer_needs_a_verifier_that_accepts_rs256(users):
    """RS256 stays available for OpenID Connect; a resource service accepts it only when told to."""
    auth = authlab.serve(auth_service(users=users, key=SigningKey(algorithm="RS256")), name="test-auth-rs", show=False)
    strict = authlab.serve(resource_service(auth.url + JWKS_PATH), name="test-api-es-only", show=False)
    oidc = authlab.serve(resource_service(auth.url + JWKS_PATH, algorithms=("RS256",)), name="test-api-rs", show=False)
    token = _login(auth)["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert _profile(oidc, token).status_code == 200
    response = _profile(strict, token)
    assert response.status_code == 401 and "the key is for RS256" in response.json()["error"]


def test_key_rotation_over_http_overlaps_then_retires(users):
    operator = "operator-secret"
    auth = authlab.serve(auth_service(users=users, operator_token=operator), name="test-auth-rotating", show=False)
    api = authlab.serve(resource_service(auth.url + JWKS_PATH, lifespan=0.2), name="test-api-rotating", show=False)
    as_operator = {"Authorization": f"Bearer {operator}"}

    def kids() -> list[str]:
        return [key["kid"] for key in requests.get(auth.url + JWKS_PATH, timeout=5).json()["keys"]]

    old_token = _login(auth)["access_token"]
    (old_kid,) = kids()
    assert _profile(api, old_token).status_code == 200
    assert requests.post(auth.url + "/keys", timeout=5).status_code == 401  # operators only
    added = requests.post(auth.url + "/keys", headers=as_operator, timeout=5).json()
    new_kid = added["keys"][-1]
    assert added["signing"] == old_kid and kids() == [old_kid, new_kid]  # published before it signs
    assert requests.post(f"{auth.url}/keys/{new_kid}/use", headers=as_operator, timeout=5).json()["signing"] == new_kid
    new_token = _login(auth)["access_token"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    time.sleep(0.3)  # the resource service's cached key set expires, so it fetches the new key
    assert _profile(api, old_token).status_code == 200 and _profile(api, new_token).status_code == 200

    assert requests.delete(f"{auth.url}/keys/{new_kid}", headers=as_operator, timeout=5).status_code == 409
    assert requests.delete(f"{auth.url}/keys/{old_kid}", headers=as_operator, timeout=5).json()["keys"] == [new_kid]
    assert requests.delete(f"{auth.url}/keys/{old_kid}", headers=as_operator, timeout=5).status_code == 404
    fresh = authlab.serve(resource_service(auth.url + JWKS_PATH), name="test-api-fresh", show=False)
    assert _profile(fresh, new_token).status_code == 200
    refused = _profile(fresh, old_token)
    assert refused.status_code == 401 and "Unknown signing key" in refused.json()["error"]
    assert _profile(api, old_token).status_code == 200  # PyJWKClient's key cache keeps a retired key it used
    logout = requests.post(auth.url + "/logout", headers={"Authorization": f"Bearer {old_token}"}, timeout=5)
    assert logout.json()["revoked"] == []  # the auth service no longer knows the retired key
