"""Deliberately vulnerable JWT servers, one flaw each. Loopback demos for lesson 06 only.

Every app answers the course's routes with ``Authorization: Bearer`` (POST /login,
GET /profile, POST /settings, POST /logout) and is safe in every other respect, so the
one flaw is the only way in. Each docstring says what is wrong and what fixes it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import shutil
import tempfile
import time
import warnings
import weakref
from collections.abc import Callable
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request

from authlab.tokens import AUDIENCE, ISSUER, TokenService, access_claims
from authlab.users import Users
from authlab.vulnerable._common import vulnerable_app
from authlab.webapp import AuthState, credentials, settings_route, unauthorized
from authlab.wire import bearer_token, public_key_pem, split_token

Verify = Callable[[str], dict]


def _token_app(name: str, state: AuthState, issue: Callable[[str], str], verify: Verify) -> Flask:
    app = vulnerable_app(name, state)

    def claims() -> dict:
        return verify(bearer_token(request.headers.get("Authorization")))

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        return jsonify(token=issue(user), token_type="Bearer")

    @app.get("/profile")
    def profile():
        try:
            return jsonify(user=claims()["sub"])
        except Exception as error:  # the flawed verifiers raise anything on garbage; a 401 either way
            return unauthorized(f"Invalid token: {error}")

    def user_or_none() -> str | None:
        try:
            return claims()["sub"]
        except Exception:  # as in /profile: garbage is no user
            return None

    settings_route(app, user_or_none, state)

    @app.post("/logout")
    def logout():
        return jsonify(message="Forget your token: it stays valid until it expires")

    return app


def _check_time_claims(claims: dict) -> dict:
    now = time.time()
    if "exp" not in claims or claims["exp"] <= now:
        raise ValueError("Token expired")
    if claims.get("nbf", 0) > now:
        raise ValueError("Token not yet valid")
    return claims


def _hmac_ok(signing_input: bytes, signature: bytes, key: bytes) -> bool:
    return hmac.compare_digest(hmac.digest(key, signing_input, hashlib.sha256), signature)


def _quietly(call: Callable, *args, **kwargs):
    """PyJWT warns about a short key on every call; lesson 06 shows the warning once, the demos stay quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        return call(*args, **kwargs)


def _state(users: Users | None, tokens: TokenService) -> AuthState:
    return AuthState(users=users or Users(), signing_key=tokens.signing_key, verifying_key=tokens.verifying_key,
                     algorithm=tokens.algorithm)


def unverified_signature_app(users: Users | None = None) -> Flask:
    """VULNERABLE: the signature is never checked (``options={"verify_signature": False}``).

    Whoever edits the payload (``"sub": "admin"``) is believed. CWE-347.
    Fix: verify with the key and a pinned algorithm, as ``authlab.apps.jwt_header_app``
    (lesson 03, "verify, don't decode").
    """
    tokens = TokenService()
    return _token_app("VULNERABLE-jwt-unverified", _state(users, tokens),
                      tokens.issue, lambda token: jwt.decode(token, options={"verify_signature": False}))


def alg_none_app(users: Users | None = None) -> Flask:
    """VULNERABLE: a hand-written verifier takes the algorithm from the token, and "none" means no check.

    RFC 7519 allows unsecured JWTs, so the verifier lets the token ask for one. CWE-347,
    as in CVE-2022-23540 (jsonwebtoken) and the 2015 library disclosures.
    Fix: pin the algorithm (``jwt.decode(..., algorithms=["HS256"])``), as
    ``authlab.apps.jwt_header_app``; PyJWT then refuses "none" (lesson 03).
    """
    tokens = TokenService()

    def verify(token: str) -> dict:
        header, claims, signing_input, signature = split_token(token)
        if str(header.get("alg")).lower() == "none":
            return _check_time_claims(claims)
        if header.get("alg") == "HS256" and _hmac_ok(signing_input, signature, tokens.signing_key):
            return _check_time_claims(claims)
        raise ValueError("Signature verification failed")

    return _token_app("VULNERABLE-jwt-alg-none", _state(users, tokens), tokens.issue, verify)


def weak_secret_app(secret: str = "your-secret-key", users: Users | None = None) -> Flask:
    """VULNERABLE: HS256 done right, with a secret from a tutorial (the article's ``"your-secret-key"``).

    One captured token lets anyone try a wordlist offline and then sign any claims.
    CWE-1391, CWE-321. PyJWT warns (InsecureKeyLengthWarning) and this server ignores it.
    Fix: ``secrets.token_bytes(32)`` kept out of the code, as ``authlab.apps.jwt_header_app``.
    """
    tokens = TokenService(secret.encode())
    return _token_app("VULNERABLE-jwt-weak-secret", _state(users, tokens),
                      lambda user: _quietly(tokens.issue, user), lambda token: _quietly(tokens.verify, token))


def alg_confusion_app(private_key: rsa.RSAPrivateKey | None = None, users: Users | None = None, *,
                      publish_key: bool = True) -> Flask:
    """VULNERABLE: an RS256 service whose verifier lets the token pick RS256 or HS256, with one key.

    For "HS256" it uses the key it holds, the public key PEM, as the HMAC secret, and that
    key is published (GET /public-key.pem, /.well-known/jwks.json). Written by hand because
    PyJWT refuses a PEM public key as an HMAC secret. CVE-2015-9235, CVE-2016-10555,
    CVE-2017-11424; CWE-347. With ``publish_key=False`` the key is published nowhere, which
    changes nothing: two of its RS256 tokens give it away (``attacks.recover_rsa_public_key``).
    Fix: pin ``algorithms=["RS256"]``, as ``authlab.apps.jwt_header_app(private_key)``.
    """
    tokens = TokenService(private_key or rsa.generate_private_key(public_exponent=65537, key_size=2048))
    pem = public_key_pem(tokens.verifying_key)

    def verify(token: str) -> dict:
        header, claims, signing_input, signature = split_token(token)
        if header.get("alg") == "HS256" and _hmac_ok(signing_input, signature, pem):
            return _check_time_claims(claims)
        return _quietly(jwt.decode, token, tokens.verifying_key, algorithms=["RS256"], audience=AUDIENCE,
                        issuer=ISSUER)

    name = "VULNERABLE-jwt-alg-confusion" + ("" if publish_key else "-hidden-key")
    app = _token_app(name, _state(users, tokens), lambda user: _quietly(tokens.issue, user), verify)
    if not publish_key:
        return app
    jwk = {**jwt.algorithms.RSAAlgorithm.to_jwk(tokens.verifying_key, as_dict=True), "alg": "RS256", "use": "sig"}

    @app.get("/public-key.pem")
    def public_key():
        return pem, 200, {"Content-Type": "application/x-pem-file"}

    @app.get("/.well-known/jwks.json")
    def jwks():
        return {"keys": [jwk]}

    return app


def kid_traversal_app(users: Users | None = None) -> Flask:
    """VULNERABLE: the ``kid`` header names a file in a key directory, and is used as a path.

    ``kid = "../../../../dev/null"`` reads an empty file, so the HMAC key is empty and
    the attacker signs with it. (The verifier is hand-written: PyJWT refuses an empty
    HMAC key.) CWE-22; the same flaw in a SQL key lookup is CWE-89.
    Fix: look the ``kid`` up in a fixed dict of known keys and refuse the rest, or use one
    pinned key and ignore ``kid``, as ``authlab.apps.jwt_header_app``.
    """
    keys_dir = Path(tempfile.mkdtemp(prefix="authlab-keys-"))
    (keys_dir / "current").write_bytes(secrets.token_bytes(32))
    tokens = TokenService((keys_dir / "current").read_bytes())

    def issue(user: str) -> str:
        return jwt.encode(access_claims(user, 900), tokens.signing_key, algorithm="HS256", headers={"kid": "current"})

    def verify(token: str) -> dict:
        header, claims, signing_input, signature = split_token(token)
        key = (keys_dir / str(header.get("kid", "current"))).read_bytes()  # the flaw: kid is a path
        if header.get("alg") != "HS256" or not _hmac_ok(signing_input, signature, key):
            raise ValueError("Signature verification failed")
        return _check_time_claims(claims)

    app = _token_app("VULNERABLE-jwt-kid-traversal", _state(users, tokens), issue, verify)
    weakref.finalize(app, shutil.rmtree, keys_dir, ignore_errors=True)
    return app


def embedded_jwk_app(private_key: rsa.RSAPrivateKey | None = None, users: Users | None = None) -> Flask:
    """VULNERABLE: RS256, but a ``jwk`` key in the token's header is used to verify the token.

    The attacker signs with their own key and sends its public half along. CVE-2018-0114
    (node-jose); CWE-347.
    Fix: verify only with keys the server already has (its own, or its issuer's JWKS
    fetched over HTTPS), as ``authlab.apps.jwt_header_app(private_key)``.
    """
    tokens = TokenService(private_key or rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def verify(token: str) -> dict:
        header = jwt.get_unverified_header(token)
        key = jwt.PyJWK(header["jwk"]).key if "jwk" in header else tokens.verifying_key
        return jwt.decode(token, key, algorithms=["RS256"], audience=AUDIENCE, issuer=ISSUER)

    return _token_app("VULNERABLE-jwt-embedded-jwk", _state(users, tokens),
                      tokens.issue, verify)


def no_expiry_app(users: Users | None = None) -> Flask:
    """VULNERABLE: the signature is checked, the time claims are not (``verify_exp``/``verify_nbf`` off).

    A token captured once (from a log, a proxy, a shared computer) works forever. CWE-613.
    Fix: keep PyJWT's checks on and require ``exp``, as ``authlab.apps.jwt_header_app``.
    """
    tokens = TokenService()

    def verify(token: str) -> dict:
        return jwt.decode(token, tokens.verifying_key, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER,
                          options={"verify_exp": False, "verify_nbf": False})

    return _token_app("VULNERABLE-jwt-no-expiry", _state(users, tokens), tokens.issue, verify)
