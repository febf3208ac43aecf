"""JWT across services: one auth service signs, any number of resource services verify.

The auth service signs RS256 access tokens with its private key and publishes the public
half as a JSON Web Key Set (JWKS, RFC 7517) at ``/.well-known/jwks.json``. A resource
service fetches that set once with PyJWT's ``PyJWKClient``, caches it, and from then on
verifies every token on its own: no call to the auth service per request, and it keeps
working while the auth service is down.

    auth_service(store)          POST /login -> access + refresh token, POST /refresh,
                                 POST /logout, GET /.well-known/jwks.json
    resource_service(jwks_url)   GET /profile with Authorization: Bearer <access token>

Revocation needs state again: give both the same ``store`` / ``denylist`` and logout at
the auth service puts the token's ``jti`` on a denylist every resource service checks.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, request
from jwt.algorithms import RSAAlgorithm

from authlab.refresh import DEFAULT_LIFETIME as REFRESH_LIFETIME
from authlab.refresh import RefreshError, RefreshTokens
from authlab.stores import MemoryStore, SessionStore
from authlab.tokens import TokenError, access_claims, bearer_token, decode_access_token, deny, is_denied
from authlab.users import Users
from authlab.webapp import AuthState, credentials, json_app, unauthorized
from authlab.wire import b64url_encode

JWKS_PATH = "/.well-known/jwks.json"
ALGORITHM = "RS256"
ACCESS_LIFETIME = 5 * 60  # short on purpose: refresh tokens renew it
JWKS_LIFESPAN = 300  # seconds a resource service trusts its cached key set

__all__ = ["JWKS_PATH", "JWKSVerifier", "SigningKey", "auth_service", "resource_service",
           "thumbprint"]


def thumbprint(public_jwk: dict) -> str:
    """The RFC 7638 thumbprint of an RSA public JWK: a key ID derived from the key itself."""
    canonical = json.dumps({name: public_jwk[name] for name in ("e", "kty", "n")}, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(canonical.encode()).digest())


class SigningKey:
    """An RSA private key, its key ID and the public JWK that verifiers fetch."""

    def __init__(self, private_key: rsa.RSAPrivateKey | None = None):
        self.private_key = private_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = self.private_key.public_key()
        public = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        self.kid = thumbprint(public)
        self.public_jwk = {**public, "kid": self.kid, "use": "sig", "alg": ALGORITHM}

    def jwks(self) -> dict:
        return {"keys": [self.public_jwk]}

    @classmethod
    def from_pem(cls, pem: bytes) -> SigningKey:
        return cls(serialization.load_pem_private_key(pem, password=None))

    def __reduce__(self):  # pickled as PEM, so every process of a cluster can be handed the same key
        pem = self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())
        return (SigningKey.from_pem, (pem,))

    def issue(self, user: str, lifetime: float, **claims: Any) -> str:
        return jwt.encode(access_claims(user, lifetime, **claims), self.private_key, algorithm=ALGORITHM,
                          headers={"kid": self.kid})


class JWKSVerifier:
    """Verifies RS256 tokens with keys fetched from a JWKS URL, cached by PyJWKClient.

    The key set is fetched on the first token and kept ``lifespan`` seconds; keys already
    seen stay cached by key ID after that, so verification goes on while the auth service
    is down. An unknown key ID triggers at most one refetch per 30 s (PyJWKClient's cooldown).
    """

    def __init__(self, jwks_url: str, denylist: SessionStore | None = None, *, lifespan: float = JWKS_LIFESPAN):
        self.jwks_url = jwks_url
        self.client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=lifespan, timeout=5)
        self.denylist = denylist

    def verify(self, token: str) -> dict:
        """The claims of a valid, unrevoked token; raises TokenError saying what is wrong otherwise."""
        try:
            signing_key = self.client.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError:
            raise TokenError(f"Cannot fetch signing keys from {self.jwks_url}: is the auth service running?") from None
        except jwt.PyJWKClientError as error:
            raise TokenError(f"Unknown signing key: {error}") from None
        except jwt.InvalidTokenError as error:
            raise TokenError(f"Invalid token: {error}") from None
        claims = decode_access_token(token, signing_key.key, ALGORITHM)
        if self.denylist is not None and is_denied(self.denylist, claims):
            raise TokenError("Token revoked")
        return claims


def auth_service(
    store: SessionStore | None = None,
    users: Users | None = None,
    *,
    access_lifetime: float = ACCESS_LIFETIME,
    refresh_lifetime: float = REFRESH_LIFETIME,
    key: SigningKey | None = None,
    name: str = "auth-service",
) -> Flask:
    """The only service that holds the private key: logs users in, rotates refresh tokens.

    ``store`` keeps refresh-token families and the ``jti`` denylist; share it with the
    resource services (SQLite file, Redis) so they see revocations.
    """
    store = store if store is not None else MemoryStore()
    key = key or SigningKey()
    refresh = RefreshTokens(store, refresh_lifetime)
    state = AuthState(users=users or Users(), store=store, denylist=store, signing_key=key.private_key,
                      verifying_key=key.public_key, algorithm=ALGORITHM)
    app = json_app(name, state)

    def tokens(user: str, refresh_token: str) -> dict:
        return {"access_token": key.issue(user, access_lifetime), "token_type": "Bearer",
                "expires_in": int(access_lifetime), "refresh_token": refresh_token}

    @app.get(JWKS_PATH)
    def jwks():
        response = jsonify(key.jwks())
        response.cache_control.public = True
        response.cache_control.max_age = JWKS_LIFESPAN
        return response

    @app.post("/login")
    def login():
        user = state.users.authenticate(*credentials())
        if user is None:
            return unauthorized("Invalid credentials")
        return jsonify(tokens(user, refresh.issue(user)))

    @app.post("/refresh")
    def refresh_tokens():
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("refresh_token"), str):
            return jsonify(error='send JSON: {"refresh_token": "..."}'), 400
        try:
            rotation = refresh.rotate(body["refresh_token"])
        except RefreshError as error:
            return unauthorized(str(error))
        return jsonify(tokens(rotation.user, rotation.refresh_token))

    @app.post("/logout")
    def logout():
        revoked = []
        try:
            deny(store, decode_access_token(bearer_token(), key.public_key, ALGORITHM))
            revoked.append("access token")
        except TokenError:
            pass  # nothing valid to deny
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("refresh_token"), str):
            if refresh.revoke(body["refresh_token"]):
                revoked.append("refresh tokens")
        return jsonify(message="Logged out", revoked=revoked)

    return app


def resource_service(
    jwks_url: str,
    denylist: SessionStore | None = None,
    *,
    lifespan: float = JWKS_LIFESPAN,
    name: str = "resource-service",
) -> Flask:
    """An API that trusts the auth service's tokens, verifying each one locally.

    With a ``denylist`` store it also refuses revoked tokens: one store lookup per request.
    """
    verifier = JWKSVerifier(jwks_url, denylist, lifespan=lifespan)
    app = json_app(name)
    app.extensions["authlab.verifier"] = verifier

    @app.get("/profile")
    def profile():
        try:
            claims = verifier.verify(bearer_token())
        except TokenError as error:
            return unauthorized(str(error))
        return jsonify(user=claims["sub"], service=name)

    return app
