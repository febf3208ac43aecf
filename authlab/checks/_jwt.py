"""JWT probes shared by the JWT labs: forged, tampered, unsigned and expired tokens.

Each probe takes ``send(token) -> Response``, so the same attacks run against a token
in the ``Authorization`` header (lab 2) or in a cookie (lab 3).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable

import jwt
import requests

from authlab.checks._core import fail, json_error, ok
from authlab.weak import weak_secrets, weakness

ALGORITHM = "HS256"
TOKEN_LIFETIME = 15 * 60  # seconds, as the labs state
CLOCK_SKEW = 60

Send = Callable[[str], requests.Response]


# The checks build and read tokens with their own few lines, not authlab.wire, on purpose: the checker
# stays independent of the package code the labs use.
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64_json(value: dict) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def claims_of(token: object, key, username: str) -> dict:
    """Verify a token the app issued: HS256 with the lab's key, `sub`, `iat` and `exp` in range."""
    if not isinstance(token, str) or token.count(".") != 2:
        fail(f"the token {str(token)[:40]!r} is not a JWT (three dot-separated parts)", "return jwt.encode(...)")
    header = jwt.get_unverified_header(token)
    if header.get("alg") != ALGORITHM:
        fail(f"the token's header says alg={header.get('alg')!r}", f'sign with algorithm="{ALGORITHM}"')
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["sub", "iat", "exp"]})
    except jwt.MissingRequiredClaimError as error:
        fail(f"the token has no {error.claim!r} claim", 'put "sub", "iat" and "exp" in the payload')
    except jwt.InvalidTokenError as error:
        fail(f"the token does not verify with SECRET_KEY ({type(error).__name__})", "sign it with SECRET_KEY")
    if not isinstance(claims["sub"], str) or claims["sub"] != username:
        fail(f"the token's sub is {claims['sub']!r}, not the username {username!r}", "set sub to the username")
    now = time.time()
    if not isinstance(claims["iat"], int | float) or abs(claims["iat"] - now) > CLOCK_SKEW:
        fail(f"the token's iat is {claims['iat']!r}, not the time of login", "set iat to int(time.time())")
    lifetime = claims["exp"] - claims["iat"]
    if not 0 < lifetime <= TOKEN_LIFETIME:
        fail(f"the token lives {lifetime} s", f"set exp to iat + TOKEN_LIFETIME ({TOKEN_LIFETIME} s) at most")
    return claims


def _valid_claims(username: str, **changes) -> dict:
    """Every claim a real token carries (a random ``jti`` too), so only the probed property differs."""
    now = int(time.time())
    return {"sub": username, "iat": now, "exp": now + TOKEN_LIFETIME, "jti": secrets.token_urlsafe(16), **changes}


def refuses(send: Send, label: str, token: str) -> None:
    """The protected route must answer ``token`` with 401 and a JSON error."""
    json_error(send(token), f"a request with {label}", 401)
    ok(f"a request with {label} was refused with 401")


def tampered(send: Send, token: str, username: str) -> None:
    """Change the payload (sub -> another user), keep header and signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "admin" if username != "admin" else "root"
    refuses(send, "a token whose payload was changed to another user", f"{header}.{_b64_json(claims)}.{signature}")


def unsigned(send: Send, username: str) -> None:
    """``alg: none`` with an empty signature, claiming to be the user."""
    token = f"{_b64_json({'alg': 'none', 'typ': 'JWT'})}.{_b64_json(_valid_claims(username))}."
    refuses(send, 'an unsigned token (alg "none")', token)


def other_keys(send: Send, key, username: str) -> None:
    """Signed with a random key, and with the secrets from the weak-secret list."""
    refuses(send, "a token signed with another key", jwt.encode(_valid_claims(username), secrets.token_bytes(32)))
    for candidate in weak_secrets()[:25]:
        if candidate != key and candidate.encode() != key:
            token = jwt.encode(_valid_claims(username), candidate, algorithm=ALGORITHM)
            json_error(send(token), f"a token signed with the common secret {candidate!r}", 401)
    ok("tokens signed with 25 common secrets were refused")


def expired(send: Send, key, username: str) -> None:
    """Signed with the right key but expired; and one with no exp at all."""
    past = int(time.time()) - 2 * TOKEN_LIFETIME
    refuses(send, "an expired token", jwt.encode(_valid_claims(username, iat=past, exp=past + 60), key))
    no_exp = {claim: value for claim, value in _valid_claims(username).items() if claim != "exp"}
    refuses(send, "a token without exp", jwt.encode(no_exp, key, algorithm=ALGORITHM))


def strong_key(key) -> None:
    if not isinstance(key, str | bytes):
        fail(f"SECRET_KEY is a {type(key).__name__}", "use secrets.token_bytes(32)")
    problem = weakness(key)
    if problem:
        fail(f"SECRET_KEY is weak: {problem}", "use secrets.token_bytes(32)")
    ok("SECRET_KEY is not a common secret and is long enough")
