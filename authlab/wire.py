"""What travels on the wire, read and written in one place: base64url, compact JWS tokens,
``Authorization: Bearer`` and ``Set-Cookie``.

    b64url_encode(data) / b64url_decode(text)    RFC 7515 base64url, no padding
    split_token(token)                           (header, claims, signing_input, signature), unverified
    hmac_token(header, claims, key)              a compact JWS signed HS256/384/512
    public_key_pem(key)                          the SubjectPublicKeyInfo PEM of any key form
    bearer_token(authorization)                  the token of an ``Authorization: Bearer`` value
    set_cookie_headers(response)                 each Set-Cookie header of a response, unmerged
    parse_set_cookie(header)                     (name, value, attributes) as RFC 6265 5.2 reads it

The lab checks (authlab/checks/) decode tokens on their own on purpose: a check must not
trust the code it grades.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from authlab.errors import AuthlabError

HMAC_HASHES = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
NO_TOKEN = "No token: send Authorization: Bearer <token>"


class Base64urlError(AuthlabError, ValueError):
    """The text is not base64url."""


class MalformedTokenError(AuthlabError, ValueError):
    """The string is not a compact JWT (three base64url parts: JSON header, JSON claims, signature)."""


class BearerError(AuthlabError, ValueError):
    """An ``Authorization`` header without a usable ``Bearer`` token; the message fits a 401 body."""


# --- base64url and JWS -------------------------------------------------------------------


def b64url_encode(data: bytes) -> str:
    """Base64url without padding, as JWTs use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url, padded or not; Base64urlError if any character is not base64url."""
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise Base64urlError(f"{text[:20]!r} is not base64url") from None


def json_segment(value: dict) -> str:
    """A JSON object as one base64url token segment (compact JSON, UTF-8)."""
    return b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _json_part(part: str, what: str) -> dict:
    try:
        value = json.loads(b64url_decode(part))
    except Base64urlError as error:
        raise MalformedTokenError(str(error)) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise MalformedTokenError(f"the {what} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedTokenError(f"the {what} is JSON but not an object")
    return value


def split_token(token: str) -> tuple[dict, dict, bytes, bytes]:
    """``(header, claims, signing_input, signature)`` of a token, without verifying anything."""
    if not isinstance(token, str):
        raise MalformedTokenError(f"a JWT is a string, not {type(token).__name__}")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise MalformedTokenError(f"a JWT has three parts separated by dots; this has {len(parts)}")
    header, claims = _json_part(parts[0], "header"), _json_part(parts[1], "payload")
    try:
        signature = b64url_decode(parts[2])
    except Base64urlError as error:
        raise MalformedTokenError(str(error)) from None
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def hmac_token(header: dict, claims: dict, key: bytes) -> str:
    """``header.claims.signature`` with an HMAC signature of the algorithm ``header["alg"]`` names."""
    signing_input = f"{json_segment(header)}.{json_segment(claims)}"
    digest = HMAC_HASHES[header["alg"]]
    return f"{signing_input}.{b64url_encode(hmac.digest(key, signing_input.encode(), digest))}"


def public_key_pem(key: Any) -> bytes:
    """The PEM (SubjectPublicKeyInfo) of a public or private key object, a JWK dict, or PEM bytes as given."""
    if isinstance(key, bytes | str):
        return key.encode() if isinstance(key, str) else key
    if isinstance(key, dict):
        key = jwt.PyJWK(key).key
    if hasattr(key, "public_key"):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


# --- HTTP headers ------------------------------------------------------------------------


def strip_bearer(value: str) -> str | None:
    """The token after ``Bearer `` (any case), or None when ``value`` does not start so."""
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header value; BearerError otherwise."""
    if not authorization:
        raise BearerError(NO_TOKEN)
    token = strip_bearer(authorization)
    if not token:
        raise BearerError("Malformed Authorization header: expected 'Bearer <token>'")
    return token


def split_joined_set_cookie(text: str) -> list[str]:
    """Undo the comma-joining of several Set-Cookie headers: split at a comma followed by ``name=``
    (a cookie value cannot hold a comma, and the comma in an Expires date is followed by a day number)."""
    return [part for part in re.split(r",\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+=)", text) if part.strip()]


def set_cookie_headers(response: Any) -> list[str]:
    """Every ``Set-Cookie`` header of a requests, Werkzeug or Flask test response, one entry each.

    requests' ``headers`` joins them with commas, which Expires dates also hold, so the raw
    urllib3 headers are read where there are some.
    """
    for headers in (getattr(getattr(response, "raw", None), "headers", None), getattr(response, "headers", None)):
        if headers is not None and hasattr(headers, "getlist"):
            return list(headers.getlist("Set-Cookie"))
    headers = getattr(response, "headers", None)
    if headers is None:
        raise TypeError(f"cannot read Set-Cookie headers from a {type(response).__name__}: pass a requests response")
    return split_joined_set_cookie(headers.get("Set-Cookie", ""))


def parse_set_cookie(header: str) -> tuple[str, str, dict[str, str | bool]] | None:
    """``(name, value, attributes)`` of one Set-Cookie header, as RFC 6265 (5.2) reads it.

    Attribute names are lower-cased; a valueless attribute (``HttpOnly``) maps to True. A
    ``Set-Cookie:`` prefix is allowed. None when the header has no ``name=value`` pair.
    """
    text = re.sub(r"(?i)^\s*set-cookie\s*:", "", header).strip()
    pair, *rest = text.split(";")
    if "=" not in pair:
        return None
    name, value = (part.strip() for part in pair.split("=", 1))
    attributes: dict[str, str | bool] = {}
    for item in rest:
        key, has_value, attribute_value = (part.strip() for part in item.partition("="))
        if key:
            attributes[key.lower()] = attribute_value if has_value else True
    return name, value, attributes
