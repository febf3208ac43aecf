"""JWT across services: one auth service signs, any number of resource services verify.

The auth service signs ES256 access tokens (``typ: at+jwt``) with its private key and publishes
the public half as a JSON Web Key Set (JWKS, RFC 7517) at ``/.well-known/jwks.json``. A resource
service fetches that set with PyJWT's ``PyJWKClient``, caches it, and from then on verifies every
token on its own: no call to the auth service per request, and it keeps working while the auth
service is down.

    auth_service(store)          POST /login -> access + refresh token, POST /refresh,
                                 POST /logout, GET /.well-known/jwks.json
    auth_service(store, operator_token=t)   also key rotation, for whoever holds ``t``:
                                 POST /keys (publish a new key), POST /keys/<kid>/use (sign with it),
                                 DELETE /keys/<kid> (retire it)
    resource_service(jwks_url)   GET /profile with Authorization: Bearer <access token>

Revocation needs state again: give both the same ``store`` / ``denylist`` and logout at
the auth service puts the token's ``jti`` on a denylist every resource service checks.
The key set lives in the auth service's memory: rotate with one auth process (with several,
each would rotate alone; real deployments keep keys in a key store every process reads).
"""

from __future__ import annotations

import hmac

import jwt
from flask import Flask, jsonify, request

from authlab.refresh import DEFAULT_LIFETIME as REFRESH_LIFETIME
from authlab.refresh import RefreshError, RefreshTokens
from authlab.signing_keys import KeySet, SigningKey, UnknownKeyError, thumbprint
from authlab.stores import MemoryStore, SessionStore
from authlab.tokens import (
    ACCESS_TOKEN_HEADERS,
    TokenError,
    access_claims,
    bearer_token,
    decode_access_token,
    deny,
    is_denied,
)
from authlab.users import Users
from authlab.webapp import AuthState, credentials, json_app, unauthorized

JWKS_PATH = "/.well-known/jwks.json"
ALGORITHMS = ("ES256",)  # what resource services accept by default; pass ("RS256",) for an RS256 issuer
ACCESS_LIFETIME = 5 * 60  # short on purpose: refresh tokens renew it
JWKS_LIFESPAN = 300  # seconds a resource service trusts its cached key set

__all__ = ["JWKS_PATH", "JWKSVerifier", "KeySet", "SigningKey", "auth_service", "resource_service",
           "thumbprint"]


class JWKSVerifier:
    """Verifies access tokens with keys fetched from a JWKS URL, cached by PyJWKClient.

    The key set is fetched on the first token and kept ``lifespan`` seconds; keys already
    seen stay cached by key ID after that (PyJWKClient's key cache never expires), so
    verification goes on while the auth service is down, and a retired key stays trusted
    by a verifier that used it until it restarts. An unknown key ID triggers at most one
    refetch per 30 s (PyJWKClient's cooldown), which is why a new key is published before
    it signs. Only keys of ``algorithms`` are used, each for its own algorithm.
    """

    def __init__(self, jwks_url: str, denylist: SessionStore | None = None, *, lifespan: float = JWKS_LIFESPAN,
                 algorithms: tuple[str, ...] = ALGORITHMS):
        self.jwks_url = jwks_url
        self.client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=lifespan, timeout=5)
        self.denylist = denylist
        self.algorithms = algorithms

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
        algorithm = signing_key.algorithm_name
        if algorithm not in self.algorithms:
            raise TokenError(f"Invalid token: the key is for {algorithm}, not {', '.join(self.algorithms)}")
        claims = decode_access_token(token, signing_key.key, algorithm)
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
    keys: KeySet | None = None,
    operator_token: str | None = None,
    name: str = "auth-service",
) -> Flask:
    """The only service that holds the private keys: logs users in, rotates refresh tokens.

    ``store`` keeps refresh-token families and the ``jti`` denylist; share it with the
    resource services (SQLite file, Redis) so they see revocations. ``key`` (one key) or
    ``keys`` (a KeySet) sign, ES256 by default; with ``operator_token`` the /keys routes
    rotate them for a client that sends it as a Bearer token.
    """
    store = store if store is not None else MemoryStore()
    keys = keys or KeySet([key or SigningKey()])
    refresh = RefreshTokens(store, refresh_lifetime)
    state = AuthState(users=users or Users(), store=store, denylist=store, signing_key=keys.signing.private_key,
                      verifying_key=keys.signing.public_key, algorithm=keys.signing.algorithm)
    app = json_app(name, state)

    def tokens(user: str, refresh_token: str) -> dict:
        return {"access_token": keys.sign(access_claims(user, access_lifetime), ACCESS_TOKEN_HEADERS),
                "token_type": "Bearer", "expires_in": int(access_lifetime), "refresh_token": refresh_token}

    def verified(token: str) -> dict:
        try:
            key = keys.key_of(token)
        except UnknownKeyError:
            raise TokenError("Unknown signing key") from None
        return decode_access_token(token, key.public_key, key.algorithm)

    @app.get(JWKS_PATH)
    def jwks():
        response = jsonify(keys.jwks())
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
            deny(store, verified(bearer_token()))
            revoked.append("access token")
        except TokenError:
            pass  # nothing valid to deny
        body = request.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("refresh_token"), str):
            if refresh.revoke(body["refresh_token"]):
                revoked.append("refresh tokens")
        return jsonify(message="Logged out", revoked=revoked)

    if operator_token is not None:
        _key_routes(app, keys, operator_token)
    return app


def _key_routes(app: Flask, keys: KeySet, operator_token: str) -> None:
    """Rotation for the operator: publish a new key, sign with it, retire the old one."""

    def key_list():
        return jsonify(keys=[key.kid for key in keys.keys], signing=keys.signing.kid)

    @app.before_request
    def operator_only():
        if request.path.startswith("/keys") and not hmac.compare_digest(
                request.headers.get("Authorization", "").encode(), f"Bearer {operator_token}".encode()):
            return unauthorized("Key rotation needs the operator token")
        return None

    @app.post("/keys")
    def add_key():
        keys.add()
        return key_list()

    @app.post("/keys/<kid>/use")
    def use_key(kid: str):
        try:
            keys.use(kid)
        except UnknownKeyError:
            return jsonify(error=f"no published key {kid}"), 404
        return key_list()

    @app.delete("/keys/<kid>")
    def retire_key(kid: str):
        try:
            keys.retire(kid)
        except UnknownKeyError:
            return jsonify(error=f"no published key {kid}"), 404
        except ValueError as error:
            return jsonify(error=str(error)), 409
        return key_list()


def resource_service(
    jwks_url: str,
    denylist: SessionStore | None = None,
    *,
    lifespan: float = JWKS_LIFESPAN,
    algorithms: tuple[str, ...] = ALGORITHMS,
    name: str = "resource-service",
) -> Flask:
    """An API that trusts the auth service's tokens, verifying each one locally.

    With a ``denylist`` store it also refuses revoked tokens: one store lookup per request.
    """
    verifier = JWKSVerifier(jwks_url, denylist, lifespan=lifespan, algorithms=algorithms)
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
