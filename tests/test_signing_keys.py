"""Signing keys: ES256 by default, RS256 on request, RFC 7638 key IDs, rotation with overlapping kids."""

import base64
import hashlib
import pickle

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from authlab.signing_keys import KeySet, SigningKey, UnknownKeyError, algorithm_for, thumbprint

CLAIMS = {"sub": "alice", "exp": 4_000_000_000}


def test_thumbprint_matches_rfc8037_okp_example():
    example = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}  # RFC 8037 A.3
    assert thumbprint(example) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_ec_thumbprint_hashes_crv_kty_x_y_only():
    key = SigningKey()
    jwk = key.public_jwk
    canonical = f'{{"crv":"{jwk["crv"]}","kty":"EC","x":"{jwk["x"]}","y":"{jwk["y"]}"}}'  # RFC 7638 §3.2, by hand
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert key.kid == expected == thumbprint({**jwk, "kid": "ignored", "use": "enc", "alg": "ES384"})
    with pytest.raises(ValueError, match="oct"):
        thumbprint({"kty": "oct", "k": "c2VjcmV0"})


def test_es256_by_default_rs256_on_request():
    default, rsa_key = SigningKey(), SigningKey(algorithm="RS256")
    assert default.algorithm == "ES256" and default.public_jwk["kty"] == "EC" and default.public_jwk["crv"] == "P-256"
    assert rsa_key.algorithm == "RS256" and rsa_key.public_jwk["kty"] == "RSA"
    for key in (default, rsa_key):
        assert "d" not in key.public_jwk and key.public_jwk["alg"] == key.algorithm
        token = key.sign(CLAIMS, {"typ": "at+jwt"})
        assert jwt.get_unverified_header(token) == {"alg": key.algorithm, "kid": key.kid, "typ": "at+jwt"}
        assert jwt.decode(token, key.public_key, algorithms=[key.algorithm]) == CLAIMS
    with pytest.raises(ValueError, match="cannot sign RS256"):
        SigningKey(default.private_key, algorithm="RS256")
    with pytest.raises(TypeError):
        algorithm_for(ec.generate_private_key(ec.SECP384R1()))


def test_signing_key_pickles_as_the_same_key():
    key = SigningKey()
    copy = pickle.loads(pickle.dumps(key))
    assert copy.kid == key.kid and copy.public_jwk == key.public_jwk


def _verifies(keys: KeySet, token: str) -> bool:
    published = jwt.PyJWKSet.from_dict(keys.jwks())
    kid = jwt.get_unverified_header(token)["kid"]
    match = [k for k in published.keys if k.key_id == kid]
    return bool(match) and jwt.decode(token, match[0], algorithms=["ES256"]) == CLAIMS


def test_rotation_publishes_first_overlaps_then_retires():
    keys = KeySet()
    old = keys.signing
    old_token = keys.sign(CLAIMS)

    new = keys.add()
    assert keys.signing is old and [k["kid"] for k in keys.jwks()["keys"]] == [old.kid, new.kid]
    keys.use(new.kid)
    new_token = keys.sign(CLAIMS)
    assert jwt.get_unverified_header(new_token)["kid"] == new.kid
    assert _verifies(keys, old_token) and _verifies(keys, new_token)  # the overlap
    assert keys.key_of(old_token) is old and keys.key_of(new_token) is new

    with pytest.raises(ValueError, match="signs"):
        keys.retire(new.kid)
    keys.retire(old.kid)
    assert [k["kid"] for k in keys.jwks()["keys"]] == [new.kid]
    assert not _verifies(keys, old_token) and _verifies(keys, new_token)
    with pytest.raises(UnknownKeyError):
        keys.key_of(old_token)
    with pytest.raises(UnknownKeyError):
        keys.key_of("garbage")
