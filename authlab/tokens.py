"""The course's access tokens: issue, verify with every check pinned, revoke by ``jti``.

    tokens = TokenService(denylist=MemoryStore())   # HS256 with a random 256-bit key
    token = tokens.issue("alice")                    # sub, iat, exp, iss, aud, jti
    claims = tokens.verify(token)                    # TokenError saying why, otherwise
    tokens.revoke(claims)                            # deny(store, claims): refused until it expires

Revocation has one scheme, shared with authlab.jwks: the denylist store holds the key
``"jti:" + jti`` until the token would have expired anyway.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask import request

from authlab import wire
from authlab.errors import AuthlabError
from authlab.stores import SessionStore

ISSUER = "authlab"
AUDIENCE = "authlab-api"
DENY_PREFIX = "jti:"

__all__ = ["AUDIENCE", "ISSUER", "TokenError", "TokenService", "access_claims", "bearer_token",
           "decode_access_token", "deny", "is_denied"]


class TokenError(AuthlabError):
    """A token was refused; the message says why, in words fit for a 401 body."""


def access_claims(user: str, lifetime: float, **claims: Any) -> dict:
    """The payload of one of the course's access tokens: sub, iat, exp, iss, aud and a random jti."""
    now = int(time.time())
    return {"sub": user, "iat": now, "exp": now + int(lifetime), "iss": ISSUER, "aud": AUDIENCE,
            "jti": secrets.token_urlsafe(16), **claims}


def decode_access_token(token: str, key: Any, algorithm: str) -> dict:
    """The claims of one of the course's access tokens, every check on; TokenError otherwise."""
    try:
        return jwt.decode(
            token, key,
            algorithms=[algorithm],  # pinned: the token's own "alg" header is not trusted
            issuer=ISSUER, audience=AUDIENCE,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("Token expired") from None
    except jwt.InvalidTokenError as error:
        raise TokenError(f"Invalid token: {error}") from None


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

    HS256 with a 256-bit random key by default; pass an RSA private key for RS256, in
    which case verification needs only the public half.
    """

    def __init__(self, key: bytes | RSAPrivateKey | None = None, lifetime: float = 15 * 60,
                 denylist: SessionStore | None = None):
        if key is None:
            key = secrets.token_bytes(32)
        if isinstance(key, RSAPrivateKey):
            self.algorithm, self.signing_key, self.verifying_key = "RS256", key, key.public_key()
        else:
            self.algorithm, self.signing_key, self.verifying_key = "HS256", key, key
        self.lifetime = lifetime
        self.denylist = denylist

    def issue(self, user: str, **claims: Any) -> str:
        return jwt.encode(access_claims(user, self.lifetime, **claims), self.signing_key, algorithm=self.algorithm)

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
