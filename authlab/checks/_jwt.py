"""JWT probes shared by the JWT labs: forged, tampered, unsigned, re-keyed and expired tokens.

Each probe takes ``send(token) -> Response``, so the same attacks run against a token
in the ``Authorization`` header (lab 2) or in a cookie (lab 3). Forged tokens copy the
whole header (``typ``, ``kid``, any field of the app's own) and the claims (``aud`` and
``iss`` included) of a token the app really issued, and change only the property probed:
an app that requires, say, ``typ: at+jwt`` can refuse a forgery for the probed reason
only. A token the checker signs with the app's own key and header must open ``/profile``
first, so that every refusal afterwards means what it says.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import jwt
import requests
from flask import Flask

from authlab.checks._core import fail, json_error, ok, serving
from authlab.checks._keys import key_bytes, weak_key
from authlab.weak import weak_secrets

ALGORITHM = "HS256"
OTHER_HMAC = ("HS384", "HS512")
TOKEN_LIFETIME = 15 * 60  # seconds, as the labs state
CLOCK_SKEW = 60
MAX_LEEWAY = 60  # seconds a token may still be accepted after its exp
ATTACKER = "https://attacker.example"
PUBLIC_FILE = Path("/proc/sys/kernel/ostype")  # "Linux\n": a file whose content every attacker knows

Send = Callable[[str], requests.Response]


# The checks build and read tokens with their own few lines, not authlab.wire, on purpose: the checker
# stays independent of the package code the labs use.
def b64url(data: bytes) -> str:
    """base64url without padding, as JWS and PKCE write it (RFC 7515 §2, RFC 7636 §4.2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """The bytes of unpadded base64url; raises binascii.Error or ValueError for anything else."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64_json(value: dict) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def hs256(claims: dict, key: bytes, header: dict) -> str:
    """An HS256 token with ``header`` (alg set), signed by hand (PyJWT refuses some keys, such as short ones)."""
    signing_input = f"{_b64_json({**header, 'alg': ALGORITHM})}.{_b64_json(claims)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def claims_of(token: object, key, username: str) -> dict:
    """Verify a token the app issued: HS256 with the lab's key, `sub`, `iat` and `exp` in range."""
    if not isinstance(token, str) or token.count(".") != 2:
        fail(f"the token {str(token)[:40]!r} is not a JWT (three dot-separated parts)", "return jwt.encode(...)")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        fail(f"the token {token[:40]!r}... has no readable header", "return jwt.encode(...)")
    if header.get("alg") != ALGORITHM:
        fail(f"the token's header says alg={header.get('alg')!r}", f'sign with algorithm="{ALGORITHM}"')
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM],
                            options={"require": ["sub", "iat", "exp"], "verify_aud": False})
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


class Template(dict):
    """The claims of a token the app issued; ``header`` holds its header fields other than alg (typ, kid, ...)."""

    header: dict


def template_of(token: str, key) -> Template:
    """The claims and header of a token the app issued, checked only for its signature: what forged tokens copy."""
    try:
        template = Template(jwt.decode(token, key, algorithms=[ALGORITHM], options={
            "verify_exp": False, "verify_aud": False, "verify_iat": False, "verify_nbf": False}))
        template.header = {name: value for name, value in jwt.get_unverified_header(token).items()
                           if name != "alg"}
        return template
    except jwt.InvalidTokenError as error:
        fail(f"the token your login issued does not verify with SECRET_KEY and HS256 ({type(error).__name__}), "
             "so no probe can sign tokens like it", "make check_token pass first")


def like(template: dict, **changes) -> dict:
    """The claims of a real token, freshly dated (and with a new jti), with ``changes``; a change to None drops it."""
    now = int(time.time())
    claims = {**template, "iat": now, "exp": now + TOKEN_LIFETIME}
    if "jti" in template:
        claims["jti"] = secrets.token_urlsafe(16)
    claims.update(changes)
    return {name: value for name, value in claims.items() if value is not None}


def signed(template: Template, claims: dict, key, algorithm: str = ALGORITHM) -> str:
    """``claims`` signed with ``key`` under the header the app's own tokens carry (no typ if they have none)."""
    return jwt.encode(claims, key, algorithm=algorithm, headers={"typ": None, **template.header})


def accepted(send: Send, key, template: Template) -> None:
    """A token the checker signs with the app's key and claims must open the route: the control for every probe."""
    response = send(signed(template, like(template), key))
    if response.status_code != 200:
        fail(f"a fresh token with the claims your app issues, signed HS256 with SECRET_KEY, got "
             f"{response.status_code}", "verify the token with SECRET_KEY and algorithms=['HS256'] and nothing else")


PIN = "pass algorithms=['HS256'] to jwt.decode: the algorithm comes from you, never from the token"
VERIFY = "verify every token with jwt.decode(token, SECRET_KEY, algorithms=['HS256']) and refuse what fails"


def refuses(send: Send, label: str, token: str, hint: str = VERIFY) -> None:
    """The protected route must answer ``token`` with 401 and a JSON error."""
    response = send(token)
    if 200 <= response.status_code < 300:
        fail(f"a request with {label} was accepted ({response.status_code})", hint)
    json_error(response, f"a request with {label}", 401)


def tampered(send: Send, token: str, username: str) -> None:
    """Change the payload (sub -> another user), keep header and signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["sub"] = "admin" if username != "admin" else "root"
    refuses(send, "a token whose payload was changed to another user", f"{header}.{_b64_json(claims)}.{signature}")
    ok("a token whose payload was changed to another user was refused with 401")


def pinned_algorithm(send: Send, key, template: Template) -> None:
    """``alg: none`` with an empty signature, and the same key under HS384 and HS512: all refused."""
    accepted(send, key, template)
    unsigned = f"{_b64_json({**template.header, 'alg': 'none'})}.{_b64_json(like(template))}."
    refuses(send, 'an unsigned token (alg "none")', unsigned, PIN)
    ok('an unsigned token (alg "none") was refused with 401')
    for algorithm in OTHER_HMAC:
        refuses(send, f"a token signed with SECRET_KEY but alg {algorithm}",
                signed(template, like(template), key, algorithm), PIN)
    ok(f"tokens signed with SECRET_KEY under {' and '.join(OTHER_HMAC)} were refused: the algorithm is pinned")


def other_keys(send: Send, key, template: Template) -> None:
    """Signed with a random key, and with the secrets from the weak-secret list."""
    accepted(send, key, template)
    refuses(send, "a token signed with another key", signed(template, like(template), secrets.token_bytes(32)))
    ok("a token signed with another key was refused with 401")
    for candidate in weak_secrets()[:25]:
        if candidate.encode() != key_bytes(key):
            refuses(send, f"a token signed with the common secret {candidate!r}",
                    hs256(like(template), candidate.encode(), template.header))
    ok("tokens signed with 25 common secrets were refused")


def _key_server(attacker_key: bytes, hits: list[str]) -> Flask:
    """The attacker's site: a JWKS and a certificate URL that a naive verifier would fetch."""
    app = Flask("jwt-check-attacker")

    @app.get("/<path:path>")
    def anything(path: str):
        hits.append(path)
        return {"keys": [{"kty": "oct", "kid": "attacker", "alg": ALGORITHM, "k": b64url(attacker_key)}]}

    return app


@contextlib.contextmanager
def _attacker_site(attacker_key: bytes) -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    with serving(_key_server(attacker_key, hits), "jwt-attacker") as site:
        yield site.url, hits


def key_headers(send: Send, key, template: Template) -> None:
    """Tokens that name their own key (kid, jwk, jku, x5u) and are signed with it: all refused, no URL fetched."""
    accepted(send, key, template)
    mine = secrets.token_urlsafe(32).encode()
    known = PUBLIC_FILE.read_bytes() if PUBLIC_FILE.exists() else b"Linux\n"
    with _attacker_site(mine) as (site, hits):
        def forged_with(signing_key: bytes, **fields) -> str:
            return hs256(like(template), signing_key, {**template.header, **fields})

        forged = {
            "a kid header holding the key that signed it": forged_with(mine, kid=mine.decode()),
            f"kid={PUBLIC_FILE} (a file whose content is public), signed with that content":
                forged_with(known, kid=str(PUBLIC_FILE)),
            f"kid=../../../../../..{PUBLIC_FILE}, signed with that file's content":
                forged_with(known, kid=f"../../../../../..{PUBLIC_FILE}"),
            "an embedded jwk header with the attacker's key": forged_with(mine, jwk={"kty": "oct", "k": b64url(mine)}),
            f"a jku header pointing at {site}/jwks.json": forged_with(mine, jku=f"{site}/jwks.json", kid="attacker"),
            f"an x5u header pointing at {site}/cert.pem": forged_with(mine, x5u=f"{site}/cert.pem"),
        }
        for label, token in forged.items():
            refuses(send, f"a token with {label}", token,
                    "verify with SECRET_KEY only; never take a key, a file name or a URL from the token's header")
            if hits:
                fail(f"a token with {label} made your app fetch {site}/{hits[0]}: it lets the token choose its key",
                     "verify with SECRET_KEY only; never use kid, jwk, jku or x5u from the token's header")
    ok("tokens naming their own key (kid, embedded jwk, jku, x5u) were refused, and no URL was fetched")


def expired(send: Send, key, template: Template) -> None:
    """Expired (long ago, and just past the 60 s leeway), without exp, and with another aud or iss when present."""
    accepted(send, key, template)
    past = int(time.time()) - 2 * TOKEN_LIFETIME
    refuses(send, "an expired token", signed(template, like(template, iat=past, exp=past + 60), key),
            "let jwt.decode check exp: never pass verify_exp=False")
    stale = int(time.time()) - MAX_LEEWAY - 15
    refuses(send, f"a token that expired {MAX_LEEWAY + 15} s ago",
            signed(template, like(template, iat=stale - TOKEN_LIFETIME, exp=stale), key),
            f"keep jwt.decode's leeway at {MAX_LEEWAY} s or less (the default is 0): clocks drift by seconds")
    refuses(send, "a token without exp", signed(template, like(template, exp=None), key),
            'require it: jwt.decode(..., options={"require": ["exp", "iat", "sub"]})')
    ok(f"expired tokens (also {MAX_LEEWAY + 15} s after exp: leeway at most {MAX_LEEWAY} s) and a token without exp "
       "were refused")
    for claim in ("aud", "iss"):
        if claim in template:
            refuses(send, f"a token for {claim}={ATTACKER!r} instead of {template[claim]!r}",
                    signed(template, like(template, **{claim: ATTACKER}), key),
                    f"pass {'audience' if claim == 'aud' else 'issuer'}=... to jwt.decode: a claim you put in the "
                    "token is only worth something if you check it")
            ok(f"your tokens carry {claim}, and a token with another {claim} was refused")


def strong_key(key) -> None:
    if not isinstance(key, str | bytes):
        fail(f"SECRET_KEY is a {type(key).__name__}", "use secrets.token_bytes(32)")
    problem = weak_key(key)
    if problem:
        fail(f"SECRET_KEY is guessable: {problem}", "use secrets.token_bytes(32)")
    ok("SECRET_KEY is not a common secret, a hash of one, a repeat or a short alphabet, and is long enough")
