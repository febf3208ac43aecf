"""The course's access tokens: issue, verify with every check pinned, revoke by ``jti``.

    tokens = TokenService(denylist=MemoryStore())   # HS256 with a random 256-bit key
    tokens = TokenService(ec_private_key)            # ES256 (an RSA key: RS256, for OpenID Connect)
    token = tokens.issue("alice")                    # sub, iat, exp, iss, aud, jti; header typ at+jwt
    claims = tokens.verify(token)                    # TokenError saying why, otherwise
    tokens.revoke(claims)                            # deny(store, claims): refused until it expires

Every access token says what it is in its header, ``"typ": "at+jwt"`` (RFC 9068 §2.1), and
every verifier checks it (RFC 8725 §3.11, explicit typing): an ID token, a refresh token or any
other JWT signed with the same key is refused where an access token is expected.

Revocation has one scheme, shared with authlab.jwks: the denylist store holds the key
``"jti:" + jti`` until the token would have expired anyway.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask import request

from authlab import wire
from authlab.errors import AuthlabError
from authlab.signing_keys import algorithm_for
from authlab.stores import SessionStore

ISSUER = "authlab"
AUDIENCE = "authlab-api"
DENY_PREFIX = "jti:"
ACCESS_TOKEN_TYPE = "at+jwt"  # RFC 9068 §2.1; "application/at+jwt" means the same (RFC 7515 §4.1.9)
ACCESS_TOKEN_HEADERS = {"typ": ACCESS_TOKEN_TYPE}

__all__ = ["ACCESS_TOKEN_HEADERS", "ACCESS_TOKEN_TYPE", "AUDIENCE", "ISSUER", "TokenError", "TokenService",
           "access_claims", "bearer_token", "decode_access_token", "deny", "is_access_token_type", "is_denied"]


class TokenError(AuthlabError):
    """A token was refused; the message says why, in words fit for a 401 body."""


def access_claims(user: str, lifetime: float, **claims: Any) -> dict:
    """The payload of one of the course's access tokens: sub, iat, exp, iss, aud and a random jti."""
    now = int(time.time())
    return {"sub": user, "iat": now, "exp": now + int(lifetime), "iss": ISSUER, "aud": AUDIENCE,
            "jti": secrets.token_urlsafe(16), **claims}


def is_access_token_type(typ: Any) -> bool:
    """``typ`` is RFC 9068's ``at+jwt``, with or without ``application/`` (media types ignore case)."""
    return isinstance(typ, str) and typ.lower().removeprefix("application/") == ACCESS_TOKEN_TYPE


def decode_access_token(token: str, key: Any, algorithm: str) -> dict:
    """The claims of one of the course's access tokens, every check on; TokenError otherwise."""
    try:
        decoded = jwt.decode_complete(
            token, key,
            algorithms=[algorithm],  # pinned: the token's own "alg" header is not trusted
            issuer=ISSUER, audience=AUDIENCE,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("Token expired") from None
    except jwt.InvalidTokenError as error:
        raise TokenError(f"Invalid token: {error}") from None
    typ = decoded["header"].get("typ")
    if not is_access_token_type(typ):
        raise TokenError(f"Invalid token: typ is {typ!r}, not an access token ({ACCESS_TOKEN_TYPE!r}, RFC 9068)")
    return decoded["payload"]


def deny(store: SessionStore, claims: dict) -> None:
    """Put the token's ``jti`` on the denylist until the token would have expired anyway."""
    store.save(DENY_PREFIX + claims["jti"], {"sub": claims["sub"]}, ttl=max(1.0, claims["exp"] - time.time()))


def is_denied(store: SessionStore, claims: dict) -> bool:
    return DENY_PREFIX + claims["jti"] in store


def bearer_token() -> str:
    """The Flask request's ``Authorization: Bearer`` token; TokenError saying what is wrong otherwise."""
    try:
        return wire.bearer_token(request.headers.get("Authorization"))
    except wire.BearerError as error:
        raise TokenError(str(error)) from None


class TokenService:
    """Issues and verifies the course's access tokens, with every check pinned.

    HS256 with a 256-bit random key by default (one server signs and verifies); pass a P-256
    private key for ES256, or an RSA key for RS256, and verification needs only the public half.
    """

    def __init__(self, key: bytes | EllipticCurvePrivateKey | RSAPrivateKey | None = None,
                 lifetime: float = 15 * 60, denylist: SessionStore | None = None):
        if key is None:
            key = secrets.token_bytes(32)
        if isinstance(key, EllipticCurvePrivateKey | RSAPrivateKey):
            self.algorithm, self.signing_key, self.verifying_key = algorithm_for(key), key, key.public_key()
        else:
            self.algorithm, self.signing_key, self.verifying_key = "HS256", key, key
        self.lifetime = lifetime
        self.denylist = denylist

    def issue(self, user: str, **claims: Any) -> str:
        return jwt.encode(access_claims(user, self.lifetime, **claims), self.signing_key, algorithm=self.algorithm,
                          headers=ACCESS_TOKEN_HEADERS)

    def verify(self, token: str) -> dict:
        """The claims of a valid token; raises TokenError saying what is wrong otherwise."""
        claims = decode_access_token(token, self.verifying_key, self.algorithm)
        if self.denylist is not None and is_denied(self.denylist, claims):
            raise TokenError("Token revoked")
        return claims

    def revoke(self, claims: dict) -> None:
        """Deny this token's ``jti`` until it would have expired anyway."""
        if self.denylist is not None:
            deny(self.denylist, claims)
