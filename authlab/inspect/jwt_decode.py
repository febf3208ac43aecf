"""Decode a compact JWT for the inspector: every way it can be malformed gets a one-line reason.

``decode_into(report, token)`` fills ``report.token``, ``segments``, ``header``, ``payload`` and
``signature``, adds warnings for what strict libraries refuse (padding, a ``Bearer`` prefix), and raises
``Malformed`` with the verdict when the token cannot be read.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from authlab.errors import AuthlabError
from authlab.inspect.verdicts import MAX_INPUT_BYTES, Finding
from authlab.wire import Base64urlError, b64url_decode, strip_bearer

if TYPE_CHECKING:
    from authlab.inspect.jwt import TokenInspection

__all__ = ["Malformed", "decode_into"]

_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class Malformed(AuthlabError):
    """The token cannot be decoded; the message is the verdict."""


def decode_into(report: TokenInspection, token: Any) -> None:
    text = _token_text(token, report)
    report.token = text
    report.segments = tuple(text.split(".")) if text.count(".") < 8 else ()
    if len(report.segments) != 3:
        raise Malformed(_wrong_shape(text))
    header_text, payload_text, signature_text = report.segments
    report.header = _json_object(_b64decode(header_text, "header", report), "header")
    alg = report.header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise Malformed("the header has no alg (a string naming the signature algorithm), so nothing can verify it")
    report.payload = _json_object(_b64decode(payload_text, "payload", report), "payload")
    report.signature = _b64decode(signature_text, "signature", report) if signature_text else b""


def _token_text(token: Any, report: TokenInspection) -> str:
    if isinstance(token, bytes):
        if len(token) > MAX_INPUT_BYTES:
            raise Malformed(_too_long(len(token)))
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise Malformed("the token contains non-ASCII bytes; a JWT is plain ASCII text") from None
    if not isinstance(token, str):
        raise Malformed(f"expected the token as text (str), got {type(token).__name__}")
    report.token = token
    if len(token) > MAX_INPUT_BYTES:
        raise Malformed(_too_long(len(token)))
    text = token.strip()
    if (after_bearer := strip_bearer(text)) is not None:
        text = after_bearer
        report.warnings.append(Finding("bearer-prefix", "removed 'Bearer ': that word belongs to the Authorization "
                                                        "header, it is not part of the token"))
    if not text:
        raise Malformed("the token is empty: paste a token of three base64url parts joined by dots")
    return text


def _too_long(size: int) -> str:
    return (f"the input is {size} characters; the inspector reads at most {MAX_INPUT_BYTES // 1024} KiB "
            f"(real tokens are well under 8 KiB, the usual header size limit)")


def _wrong_shape(text: str) -> str:
    parts = text.count(".") + 1
    if parts == 5:
        return "this has 5 parts: it is an encrypted token (JWE), which cannot be read without the decryption key"
    if parts == 1:
        return "there are no dots: a JWT is three base64url parts, header.payload.signature"
    return f"a JWT has 3 parts separated by dots (header.payload.signature); this has {parts}"


def _b64decode(segment: str, part: str, report: TokenInspection) -> bytes:
    data = segment.rstrip("=")
    if data != segment and "padding" not in report.warning_codes:
        report.warnings.append(Finding("padding", f"the {part} ends in '=' padding, which JWTs leave out "
                                                  "(RFC 7515, section 2); strict libraries reject this token"))
    if not data:
        raise Malformed(f"the {part} part is empty")
    for position, char in enumerate(data):
        if char not in _B64URL:
            hint = " (standard base64, not base64url?)" if char in "+/" else ""
            raise Malformed(f"the {part} contains {char!r} at position {position}, "
                             f"which is not a base64url character{hint}")
    if len(data) % 4 == 1:
        raise Malformed(f"the {part} has an impossible base64url length ({len(data)} characters): "
                         "the token was probably cut off or mistyped")
    try:
        return b64url_decode(data)
    except Base64urlError as error:
        raise Malformed(f"the {part} is not valid base64url ({error})") from None


def _json_object(raw: bytes, part: str) -> dict:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Malformed(f"the {part} decodes to bytes that are not UTF-8 text, so it is not JSON") from None
    except RecursionError:
        raise Malformed(f"the {part} is JSON nested too deeply to read") from None
    except ValueError as error:
        raise Malformed(f"the {part} is not JSON ({error})") from None
    if not isinstance(value, dict):
        raise Malformed(f"the {part} is JSON but a {type(value).__name__}, not an object {{...}}")
    return value
