"""Take a JSON Web Token apart, check its signature and say what a security reviewer would say.

    report = inspect_jwt(token, key="your-256-bit-secret")   # key: optional
    report.status        # Status.VERIFIED, INVALID_SIGNATURE, CANNOT_VERIFY, UNSECURED or MALFORMED
    report.verdict       # one line saying why
    report.header, report.payload, report.claims, report.warnings
    report.edit(payload={**report.payload, "admin": True}, key=secret)     # re-signed: VERIFIED
    report.edit(payload={**report.payload, "admin": True}, keep_signature=True)  # tampered: INVALID_SIGNATURE
    encode({"alg": "HS256"}, {"sub": "alice"}, key=secret).token

Displayed in a notebook the report is jwt.io's view (red header, purple payload, blue signature); ``str()``
gives the same as plain text. Nothing here raises on a bad token or key: the status says MALFORMED or
CANNOT_VERIFY and the verdict says why in one line. Tokens longer than 64 KiB are refused unread.

Keys: an HMAC secret (str or bytes) for HS256/384/512; for RS*, PS*, ES* and EdDSA a public key as PEM text,
a JWK (dict or JSON text, a JWK Set picks the key by ``kid``) or a ``cryptography`` key object. A private key
verifies too (with its public half, and a warning) and is what ``encode`` and ``edit`` need to sign. The key
type must fit the header's ``alg`` before anything is verified: an HMAC secret never verifies an RS256 token,
and an RSA public key is never used as an HMAC secret (the algorithm-confusion attack).

Warning codes (``Finding.code``): alg-none, no-exp, expired, not-yet-valid, bad-date, long-lifetime,
weak-secret, short-key, private-key, sensitive-claim, sub-not-string, untrusted-header, padding, bearer-prefix.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from typing import Any, NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
    load_ssh_public_key,
)
from jwt.algorithms import ECAlgorithm, HMACAlgorithm, OKPAlgorithm, RSAAlgorithm, get_default_algorithms
from jwt.exceptions import InvalidKeyError

from authlab.inspect import _render as r
from authlab.weak import weakness
from authlab.wire import Base64urlError, b64url_decode, b64url_encode, json_segment, strip_bearer

__all__ = ["Claim", "Finding", "Status", "TokenInspection", "UnusableKeyError", "encode", "inspect_jwt"]

MAX_INPUT_BYTES = 64 * 1024
ONE_DAY = 24 * 3600
MAX_CLAIMS = 100  # explained one by one; a payload with more is shown whole but not itemised
MAX_DATE = 1e13  # seconds: year 318857; anything further is not a date (and NaN/inf fail the comparison)
_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_ALGORITHMS = get_default_algorithms()
_SIGNING_ALGS = sorted(alg for alg in _ALGORITHMS if alg != "none")


class Status(enum.StrEnum):
    VERIFIED = "VERIFIED"
    INVALID_SIGNATURE = "INVALID_SIGNATURE"
    CANNOT_VERIFY = "CANNOT_VERIFY"
    UNSECURED = "UNSECURED"
    MALFORMED = "MALFORMED"

    @property
    def colour(self) -> str:
        return {"VERIFIED": r.GOOD, "UNSECURED": r.NOTE, "CANNOT_VERIFY": r.NEUTRAL}.get(self.value, r.BAD)


class Finding(NamedTuple):
    """One thing a reviewer would point out: a stable ``code`` for tests and a sentence for people."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


class UnusableKeyError(ValueError):
    """The key cannot be read, does not fit the token's algorithm, or cannot sign."""


class _Malformed(Exception):
    """The token cannot be decoded; the message is the verdict."""


CLAIM_MEANINGS = {
    "iss": "Issuer: who created and signed the token; a verifier accepts only the issuers it trusts.",
    "sub": "Subject: whom the token is about, usually the user ID, a string unique at this issuer.",
    "aud": "Audience: the services meant to accept the token; any other service must reject it.",
    "exp": "Expiration time: from this moment on the token must be rejected.",
    "nbf": "Not before: before this moment the token must be rejected.",
    "iat": "Issued at: when the token was created, which tells its age.",
    "jti": "JWT ID: a unique name for this token, so a server can spot a replay or revoke it.",
}
PRIVATE_CLAIM = "Private claim: not registered in RFC 7519; its meaning is whatever this application says."

HEADER_MEANINGS = {
    "alg": "Algorithm that produced the signature; a verifier must pin the algorithms it accepts.",
    "typ": "Media type of the whole token, usually JWT.",
    "cty": "Content type of the payload, used when tokens are nested.",
    "kid": "Key ID: which of the issuer's keys signed the token.",
    "jku": "URL of a JWK Set said to hold the verification key.",
    "jwk": "The verification key itself, embedded in the token.",
    "x5u": "URL of an X.509 certificate chain for the key.",
    "x5c": "X.509 certificate chain embedded in the token.",
    "crit": "Header parameters the verifier must understand or reject the token.",
}

UNTRUSTED_HEADERS = {
    "jku": "points to a key-set URL: fetching keys from where the token says lets an attacker choose the key; "
    "use only your own configured JWKS URL",
    "x5u": "points to a certificate URL: an attacker can host their own; use only certificates you configured",
    "jwk": "embeds a public key: a signature checked with a key the token brings proves nothing; use your own key",
    "x5c": "embeds a certificate chain: trust it only after validating the chain to your own CA",
    "kid": "selects a key: look it up in your own key table only, never use it as a file path or in SQL",
}

_SENSITIVE_NAMES = ("password", "passwd", "pwd", "secret", "ssn", "socialsecurity", "creditcard", "cardnumber",
                    "cvv", "cvc", "apikey", "privatekey")
_SSN = re.compile(r"\d{3}-\d{2}-\d{4}")
_CARD = re.compile(r"[\d -]{13,23}")


class Claim(NamedTuple):
    """One payload entry: its value, what it means, and for dates the UTC time and how long ago or ahead."""

    name: str
    value: Any
    meaning: str
    date: str | None = None
    relative: str | None = None

    def __str__(self) -> str:
        when = f" = {self.date}, {self.relative}" if self.date else ""
        return f"{self.name}: {json.dumps(self.value, ensure_ascii=False, default=repr)}{when}. {self.meaning}"


@dataclasses.dataclass
class TokenInspection:
    """What ``inspect_jwt`` found: parts, signature status with a one-line verdict, claims, warnings."""

    token: str
    status: Status
    verdict: str
    header: dict | None = None
    payload: dict | None = None
    signature: bytes = b""
    segments: tuple[str, ...] = ()
    claims: list[Claim] = dataclasses.field(default_factory=list)
    warnings: list[Finding] = dataclasses.field(default_factory=list)
    key: Any = dataclasses.field(default=None, repr=False)
    now: float = 0.0

    @property
    def alg(self) -> str | None:
        return self.header.get("alg") if self.header else None

    @property
    def verified(self) -> bool:
        return self.status is Status.VERIFIED

    @property
    def expired(self) -> bool:
        exp = _numeric_date((self.payload or {}).get("exp"))
        return exp is not None and exp <= self.now

    @property
    def signing_input(self) -> bytes:
        """The bytes the signature covers: ``base64url(header) + "." + base64url(payload)``."""
        return ".".join(self.segments[:2]).encode("ascii")

    @property
    def warning_codes(self) -> set[str]:
        return {finding.code for finding in self.warnings}

    def edit(self, header: dict | None = None, payload: dict | None = None, *, key: Any = None,
             keep_signature: bool = False) -> TokenInspection:
        """A new token from an edited header and/or payload: re-signed with ``key`` (default: the key this
        token was inspected with), or carrying the old signature (``keep_signature=True``) to show tampering."""
        header = self.header if header is None else header
        payload = self.payload if payload is None else payload
        if header is None or payload is None:
            raise ValueError("this token could not be decoded; pass both header= and payload= to build a new one")
        key = self.key if key is None else key
        if keep_signature:
            old_signature = self.segments[2] if len(self.segments) == 3 else ""
            return inspect_jwt(f"{json_segment(header)}.{json_segment(payload)}.{old_signature}", key, now=self.now)
        return encode(header, payload, key, now=self.now)

    def widget(self):
        """This token in a live ``JWTInspector`` widget (edit it, paste another key)."""
        from authlab.inspect.widgets import JWTInspector

        return JWTInspector(token=self.token, key=_key_text(self.key), now=self.now)

    def __str__(self) -> str:
        lines = [f"JWT {self.status}: {self.verdict}", f"token      {r.shorten(self.token, 300)}"]
        for name, part in (("header", self.header), ("payload", self.payload)):
            if part is not None:
                lines.append(f"{name:<10} " + r.shorten(r.pretty_json(part), 20000).replace("\n", "\n" + " " * 11))
        if len(self.segments) == 3:
            lines.append(f"signature  {r.shorten(self.segments[2], 100)} ({len(self.signature)} bytes)")
        if self.claims:
            lines.append("claims")
            lines += [f"  {claim}" for claim in self.claims]
        if self.warnings:
            lines.append("warnings")
            lines += [f"  ! {finding}" for finding in self.warnings]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        parts = [
            f'<div class="authlab-jwt-status">{r.badge(self.status, self.status.colour)} {r.esc(self.verdict)}</div>',
            f'<div class="authlab-jwt-encoded" style="{r.MONO}; word-break:break-all; margin:6px 0">'
            f"{self._coloured_token()}</div>",
            '<div style="display:flex; flex-wrap:wrap; gap:12px">',
            _panel("HEADER: algorithm and token type", self.header, r.HEADER_COLOUR, HEADER_MEANINGS),
            _panel("PAYLOAD: data", self.payload, r.PAYLOAD_COLOUR),
            self._signature_panel(),
            "</div>",
        ]
        if self.claims:
            rows = [
                (f"<code>{r.esc(c.name)}</code>",
                 f"<code>{r.esc(r.shorten(json.dumps(c.value, ensure_ascii=False, default=repr)))}</code>"
                 + (f"<br>{r.esc(c.date)}<br><b>{r.esc(c.relative)}</b>" if c.date else ""),
                 r.esc(c.meaning))
                for c in self.claims
            ]
            parts += [r.heading("Claims"), r.table(("claim", "value", "meaning"), rows)]
        if self.warnings:
            parts += [r.heading("Warnings"), r.finding_list(self.warnings, "authlab-jwt-warnings")]
        return '<div class="authlab-jwt">' + "".join(parts) + "</div>"

    def _coloured_token(self) -> str:
        if not 1 <= len(self.segments) <= 3:
            return r.esc(r.shorten(self.token, 4000))
        colours = (r.HEADER_COLOUR, r.PAYLOAD_COLOUR, r.SIGNATURE_COLOUR)
        return ".".join(
            f'<span style="color:{colour}">{r.esc(r.shorten(segment, 4000))}</span>'
            for segment, colour in zip(self.segments, colours, strict=False)
        )

    def _signature_panel(self) -> str:
        alg = r.shorten(self.alg, 40) if isinstance(self.alg, str) else "?"
        formula = (
            f"{alg}(\n  base64UrlEncode(header) + \".\" +\n  base64UrlEncode(payload),\n  "
            f"{'secret' if alg.startswith('HS') else 'key'}\n)\n\n{len(self.signature)} bytes"
        )
        body = r.code_block(formula, r.SIGNATURE_COLOUR) + r.badge(self.status, self.status.colour,
                                                                    "authlab-jwt-signature-status")
        return _panel_frame("SIGNATURE", r.SIGNATURE_COLOUR, body)


def inspect_jwt(token: str | bytes, key: Any = None, *, now: Any = None) -> TokenInspection:
    """Decode ``token``, verify its signature with ``key`` if given, explain its claims and list warnings.

    ``now`` (a datetime, epoch seconds, or None for the clock) fixes the time used for expiry, so that
    notebooks and tests give the same answer every run. Never raises: bad input gives Status.MALFORMED
    or Status.CANNOT_VERIFY with a one-line verdict.
    """
    report = TokenInspection(token="", status=Status.MALFORMED, verdict="", key=key, now=r.now_timestamp(now))
    try:
        _decode_into(report, token)
    except _Malformed as problem:
        report.verdict = r.one_line(str(problem))
        return report
    report.status, verdict = _check_signature(report, key)
    report.verdict = r.one_line(verdict)
    report.claims = _claims(report.payload, report.now)
    report.warnings += _review(report, key)
    return report


def encode(header: dict, payload: dict, key: Any = None, alg: str | None = None, *, now: Any = None
           ) -> TokenInspection:
    """Build and sign a token; returns its inspection (the token is ``.token``).

    ``alg`` overrides ``header["alg"]``; without either, HS256. Signing needs the secret (HS*) or the private
    key (RS*, PS*, ES*, EdDSA); ``alg="none"`` builds an unsecured token and takes no key. Raises
    UnusableKeyError, with a one-line message, when the key cannot sign with that algorithm.
    """
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise TypeError("header and payload must both be dicts (JSON objects)")
    header = {**header, "alg": alg or header.get("alg") or "HS256"}
    signing_input = f"{json_segment(header)}.{json_segment(payload)}"
    signature, verifying_key = _sign(header["alg"], signing_input.encode(), key)
    return inspect_jwt(f"{signing_input}.{b64url_encode(signature)}", verifying_key, now=now)


# --- decoding ----------------------------------------------------------------------------------------------


def _decode_into(report: TokenInspection, token: Any) -> None:
    text = _token_text(token, report)
    report.token = text
    report.segments = tuple(text.split(".")) if text.count(".") < 8 else ()
    if len(report.segments) != 3:
        raise _Malformed(_wrong_shape(text))
    header_text, payload_text, signature_text = report.segments
    report.header = _json_object(_b64decode(header_text, "header", report), "header")
    alg = report.header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise _Malformed("the header has no alg (a string naming the signature algorithm), so nothing can verify it")
    report.payload = _json_object(_b64decode(payload_text, "payload", report), "payload")
    report.signature = _b64decode(signature_text, "signature", report) if signature_text else b""


def _token_text(token: Any, report: TokenInspection) -> str:
    if isinstance(token, bytes):
        if len(token) > MAX_INPUT_BYTES:
            raise _Malformed(_too_long(len(token)))
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise _Malformed("the token contains non-ASCII bytes; a JWT is plain ASCII text") from None
    if not isinstance(token, str):
        raise _Malformed(f"expected the token as text (str), got {type(token).__name__}")
    report.token = token
    if len(token) > MAX_INPUT_BYTES:
        raise _Malformed(_too_long(len(token)))
    text = token.strip()
    if (after_bearer := strip_bearer(text)) is not None:
        text = after_bearer
        report.warnings.append(Finding("bearer-prefix", "removed 'Bearer ': that word belongs to the Authorization "
                                                        "header, it is not part of the token"))
    if not text:
        raise _Malformed("the token is empty: paste a token of three base64url parts joined by dots")
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
        raise _Malformed(f"the {part} part is empty")
    for position, char in enumerate(data):
        if char not in _B64URL:
            hint = " (standard base64, not base64url?)" if char in "+/" else ""
            raise _Malformed(f"the {part} contains {char!r} at position {position}, "
                             f"which is not a base64url character{hint}")
    if len(data) % 4 == 1:
        raise _Malformed(f"the {part} has an impossible base64url length ({len(data)} characters): "
                         "the token was probably cut off or mistyped")
    try:
        return b64url_decode(data)
    except Base64urlError as error:
        raise _Malformed(f"the {part} is not valid base64url ({error})") from None


def _json_object(raw: bytes, part: str) -> dict:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Malformed(f"the {part} decodes to bytes that are not UTF-8 text, so it is not JSON") from None
    except RecursionError:
        raise _Malformed(f"the {part} is JSON nested too deeply to read") from None
    except ValueError as error:
        raise _Malformed(f"the {part} is not JSON ({error})") from None
    if not isinstance(value, dict):
        raise _Malformed(f"the {part} is JSON but a {type(value).__name__}, not an object {{...}}")
    return value


# --- keys and signatures -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Key:
    kty: str  # JWK key type: oct, RSA, EC, OKP
    material: Any  # bytes for oct, else a cryptography key object
    private: bool
    curve: str | None = None

    @property
    def public(self) -> Any:
        return self.material.public_key() if self.private and self.kty != "oct" else self.material

    @property
    def description(self) -> str:
        if self.kty == "oct":
            return f"{len(self.material)}-byte secret"
        size = getattr(self.material, "key_size", None)
        kind = {"RSA": f"RSA {size}-bit", "EC": f"EC {self.curve}", "OKP": self.curve}[self.kty]
        return f"{kind} {'private' if self.private else 'public'} key"


_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521", "secp256k1": "secp256k1"}
_ALG_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES521": "P-521", "ES256K": "secp256k1"}
_KIND_NEEDED = {"oct": "the shared secret", "RSA": "an RSA public key", "EC": "an EC public key",
                "OKP": "an Ed25519 or Ed448 public key"}


def _needed_kty(alg: str) -> str:
    return {"HS": "oct", "RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}[alg[:2]]


def _load_key(key: Any, kid: Any = None) -> _Key:
    if isinstance(key, dict):
        return _from_jwk(key, kid)
    if isinstance(key, str | bytes):
        raw = key.encode("utf-8") if isinstance(key, str) else key
        if len(raw) > MAX_INPUT_BYTES:
            raise UnusableKeyError(f"the key is {len(raw)} bytes; the inspector reads keys up to 64 KiB")
        text = raw.strip()
        if text.startswith(b"{"):
            try:
                return _from_jwk(json.loads(text), kid)
            except (ValueError, RecursionError):
                raise UnusableKeyError("the key starts with '{' but is not valid JSON, so it is not a JWK") from None
        if b"-----BEGIN" in text:
            return _from_pem(text)
        if text.startswith((b"ssh-", b"ecdsa-sha2-")):
            try:
                return _from_object(load_ssh_public_key(text))
            except (ValueError, TypeError) as error:
                raise UnusableKeyError(f"the SSH public key cannot be read ({error})") from None
        return _Key("oct", raw, private=True)
    return _from_object(key)


def _from_jwk(jwk: dict, kid: Any) -> _Key:
    if isinstance(jwk.get("keys"), list):
        matches = [k for k in jwk["keys"] if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
        if len(matches) != 1:
            raise UnusableKeyError(f"the JWK Set has {len(matches)} keys matching kid {r.shorten(repr(kid), 40)}; "
                                   "pass one key")
        jwk = matches[0]
    readers = {"oct": HMACAlgorithm, "RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}
    reader = readers.get(jwk.get("kty"))
    if reader is None:
        raise UnusableKeyError(f"the JWK has kty {jwk.get('kty')!r}; expected one of {', '.join(readers)}")
    try:
        material = reader.from_jwk(jwk)
    except (InvalidKeyError, KeyError, ValueError, TypeError) as error:
        raise UnusableKeyError(f"the {jwk['kty']} JWK cannot be read ({error or type(error).__name__})") from None
    return _Key("oct", material, private=True) if jwk["kty"] == "oct" else _from_object(material)


def _from_pem(text: bytes) -> _Key:
    for load in (load_pem_public_key, lambda data: x509.load_pem_x509_certificate(data).public_key()):
        try:
            return _from_object(load(text))
        except ValueError:
            pass
    try:
        return _from_object(load_pem_private_key(text, password=None))
    except TypeError:
        raise UnusableKeyError("the private key is encrypted with a password; paste the public key instead") from None
    except ValueError:
        raise UnusableKeyError("the PEM text cannot be read: is it complete, from -----BEGIN to -----END?") from None


def _from_object(key: Any) -> _Key:
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return _Key("RSA", key, isinstance(key, rsa.RSAPrivateKey))
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        curve = _CURVE_NAMES.get(key.curve.name, key.curve.name)
        return _Key("EC", key, isinstance(key, ec.EllipticCurvePrivateKey), curve)
    for curve, module in (("Ed25519", ed25519), ("Ed448", ed448)):
        private, public = getattr(module, f"{curve}PrivateKey"), getattr(module, f"{curve}PublicKey")
        if isinstance(key, private | public):
            return _Key("OKP", key, isinstance(key, private), curve)
    raise UnusableKeyError(f"a key must be a secret (str or bytes), PEM text, a JWK or a cryptography key, "
                           f"not {type(key).__name__}")


def _fit(alg: str, key: _Key) -> None:
    """Refuse a key whose type does not belong to ``alg`` (the algorithm-confusion defence)."""
    needed = _needed_kty(alg)
    if key.kty != needed:
        if needed == "oct":
            raise UnusableKeyError(f"{alg} needs the shared secret, but the key is an {key.description}; using a "
                                   f"public key as an HMAC secret is the algorithm-confusion attack, so it is refused")
        raise UnusableKeyError(f"{alg} needs {_KIND_NEEDED[needed]}, but the key is a "
                               f"{'secret string' if key.kty == 'oct' else key.description}")
    if needed == "EC" and key.curve != _ALG_CURVES[alg]:
        raise UnusableKeyError(f"{alg} needs a key on curve {_ALG_CURVES[alg]}, but the key is on {key.curve}")


def _check_signature(report: TokenInspection, key: Any) -> tuple[Status, str]:
    alg = report.alg
    if alg.lower() == "none":
        return Status.UNSECURED, ("unsecured token: alg is 'none', so there is no signature and anyone could have "
                                  "written it; a verifier must reject it")
    if alg not in _ALGORITHMS:
        return Status.CANNOT_VERIFY, f"cannot verify: alg {r.shorten(repr(alg), 40)} is not a JWS signature " \
                                     f"algorithm ({', '.join(_SIGNING_ALGS)})"
    if key is None or (isinstance(key, str | bytes) and not key):
        needed = "shared secret" if alg.startswith("HS") else "public key"
        return Status.CANNOT_VERIFY, f"cannot verify: no key given; pass the {needed} to check this {alg} signature"
    try:
        loaded = _load_key(key, report.header.get("kid"))
        _fit(alg, loaded)
        algorithm = _ALGORITHMS[alg]
        valid = algorithm.verify(report.signing_input, algorithm.prepare_key(loaded.public), report.signature)
    except UnusableKeyError as problem:
        return Status.CANNOT_VERIFY, f"cannot verify: {problem}"
    except (InvalidKeyError, ValueError, TypeError) as error:
        return Status.CANNOT_VERIFY, f"cannot verify: the key was refused ({error})"
    expiry = "; but the token has expired, so a verifier must still reject it" if report.expired else ""
    if valid:
        return Status.VERIFIED, f"signature verified: {alg} with the given {loaded.description}{expiry}"
    if not report.signature:
        return Status.INVALID_SIGNATURE, "invalid signature: the signature part is empty (was it stripped?)"
    return Status.INVALID_SIGNATURE, (f"invalid signature: the {alg} signature does not match this header and payload "
                                      f"under the given {loaded.description} (edited token, or the wrong key)")


def _sign(alg: str, signing_input: bytes, key: Any) -> tuple[bytes, Any]:
    """The signature, and the key that verifies it (the public half of a private key)."""
    if alg.lower() == "none":
        if key is not None:
            raise UnusableKeyError("alg 'none' takes no key; leave the key out to build an unsecured token")
        return b"", None
    if alg not in _ALGORITHMS:
        raise UnusableKeyError(f"unknown alg {alg!r}; choose one of {', '.join(_SIGNING_ALGS)}")
    if key is None or (isinstance(key, str | bytes) and not key):
        needed = "the shared secret" if alg.startswith("HS") else "the private key"
        raise UnusableKeyError(f"{alg} needs {needed} to sign; pass key=...")
    loaded = _load_key(key)
    _fit(alg, loaded)
    if not loaded.private:
        raise UnusableKeyError(f"{alg} signs with the private key; this {loaded.description} can only verify")
    algorithm = _ALGORITHMS[alg]
    try:
        signature = algorithm.sign(signing_input, algorithm.prepare_key(loaded.material))
    except (InvalidKeyError, ValueError, TypeError) as error:
        raise UnusableKeyError(f"the key cannot sign {alg} ({error})") from None
    return signature, loaded.material if loaded.kty == "oct" else loaded.public


def _key_text(key: Any) -> str:
    """A key as the text a learner would paste (for the widget)."""
    if isinstance(key, bytes):
        return key.decode("utf-8", "replace")
    if isinstance(key, dict):
        return json.dumps(key)
    if isinstance(key, str):
        return key
    if key is None:
        return ""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    try:
        return _load_key(key).public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    except (UnusableKeyError, AttributeError, ValueError):
        return ""


# --- claims and warnings -----------------------------------------------------------------------------------


def _numeric_date(value: Any) -> float | None:
    """``value`` as seconds since 1970 when it is a usable NumericDate, else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and -MAX_DATE < value < MAX_DATE:
        return float(value)
    return None


def _claims(payload: dict, now: float) -> list[Claim]:
    claims = []
    for name, value in list(payload.items())[:MAX_CLAIMS]:
        meaning = CLAIM_MEANINGS.get(name, PRIVATE_CLAIM)
        date = relative = None
        seconds = _numeric_date(value) if name in ("exp", "nbf", "iat") else None
        if seconds is not None:
            try:
                date = r.utc(seconds)
            except (OverflowError, ValueError, OSError):
                date = "beyond the calendar"
            relative = _relative(name, seconds - now)
        claims.append(Claim(name, value, meaning, date, relative))
    return claims


def _relative(name: str, ahead: float) -> str:
    span = r.duration(ahead)
    if name == "exp":
        return f"expires in {span}" if ahead > 0 else f"expired {span} ago"
    if name == "nbf":
        return f"valid in {span}" if ahead > 0 else f"valid since {span} ago"
    return f"issued in the future ({span} from now)" if ahead > 0 else f"issued {span} ago"


def _review(report: TokenInspection, key: Any) -> list[Finding]:
    header, payload = report.header, report.payload
    findings = []
    if report.status is Status.UNSECURED:
        findings.append(Finding("alg-none", f"alg is {report.alg!r}: the token is unsigned; never accept alg none"))
        if report.signature:
            findings.append(Finding("alg-none", "alg is none but a signature part is present: the token was "
                                                "probably altered from a signed one"))
    findings += _date_findings(payload, report.now)
    findings += _key_findings(report, key)
    findings += _sensitive_findings(payload)
    if "sub" in payload and not isinstance(payload["sub"], str):
        findings.append(Finding("sub-not-string", f"sub is a {type(payload['sub']).__name__}; RFC 7519 makes it a "
                                                  "string, and PyJWT and others reject the token"))
    for name, why in UNTRUSTED_HEADERS.items():
        if name in header:
            findings.append(Finding("untrusted-header", f"header {name!r} {why}"))
    return findings


def _date_findings(payload: dict, now: float) -> list[Finding]:
    findings = []
    for name in ("exp", "nbf", "iat"):
        if name in payload and _numeric_date(payload[name]) is None:
            findings.append(Finding("bad-date", f"{name} is {r.shorten(repr(payload[name]), 60)}, not a usable "
                                                "number of seconds since 1970 (NumericDate); verifiers reject or "
                                                "misread it"))
    exp, nbf, iat = (_numeric_date(payload.get(name)) for name in ("exp", "nbf", "iat"))
    if "exp" not in payload:
        findings.append(Finding("no-exp", "no exp claim: the token never expires, so a stolen copy works forever"))
    elif exp is not None:
        if exp <= now:
            findings.append(Finding("expired", f"the token expired {r.duration(now - exp)} ago; a verifier must "
                                               "reject it"))
        start = next((t for t in (iat, nbf) if t is not None), now)
        if exp - start > ONE_DAY:
            basis = "exp - iat" if iat is not None else "exp - nbf" if nbf is not None else "from now"
            findings.append(Finding("long-lifetime", f"the token lives {r.duration(exp - start)} ({basis}): a stolen "
                                                     "copy works that long; keep access tokens to minutes or hours "
                                                     "and renew them"))
    if nbf is not None and nbf > now:
        findings.append(Finding("not-yet-valid", f"nbf is {r.duration(nbf - now)} ahead: a verifier rejects the "
                                                 "token until then"))
    return findings


def _key_findings(report: TokenInspection, key: Any) -> list[Finding]:
    if report.status not in (Status.VERIFIED, Status.INVALID_SIGNATURE):
        return []
    loaded = _load_key(key, report.header.get("kid"))
    findings = []
    if loaded.kty == "oct":
        problem = weakness(loaded.material)
        if problem:
            findings.append(Finding("weak-secret", f"weak secret: {problem}; anyone who guesses it can sign tokens"))
        return findings
    if loaded.private:
        findings.append(Finding("private-key", "the key given is a PRIVATE key; verifying needs only the public "
                                               "key, and the private key must never leave the issuer"))
    short = _ALGORITHMS[report.alg].check_key_length(loaded.public)
    if short:
        findings.append(Finding("short-key", short))
    return findings


def _sensitive_findings(payload: dict) -> list[Finding]:
    findings = []
    stack: list[tuple[str, Any, int]] = [(name, value, 0) for name, value in payload.items()]
    visited = 0
    while stack and visited < 2000:
        path, value, depth = stack.pop()
        visited += 1
        leaf = path.rsplit(".", 1)[-1]
        what = _sensitive_kind(leaf, value)
        if what:
            message = (f"claim {r.shorten(path, 60)!r} looks like {what}: the payload is only base64url-encoded, "
                       "anyone holding the token can read it")
            findings.append(Finding("sensitive-claim", message))
        if depth < 20 and isinstance(value, dict):
            stack += [(f"{path}.{name}", item, depth + 1) for name, item in value.items()]
        elif depth < 20 and isinstance(value, list):
            stack += [(f"{path}[{index}]", item, depth + 1) for index, item in enumerate(value)]
    return sorted(findings)


def _sensitive_kind(name: str, value: Any) -> str | None:
    squashed = re.sub(r"[^a-z]", "", name.lower())
    if any(word in squashed for word in _SENSITIVE_NAMES) or squashed in ("pass", "pin"):
        return f"a secret (its name is {name!r})"
    if isinstance(value, str) and len(value) <= 23:
        if _SSN.fullmatch(value):
            return "a social security number"
        digits = re.sub(r"[ -]", "", value)
        if _CARD.fullmatch(value) and 13 <= len(digits) <= 19 and digits.isdigit() and _luhn(digits):
            return "a payment card number (it passes the Luhn check)"
    return None


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


# --- HTML panels -------------------------------------------------------------------------------------------


def _panel_frame(title: str, colour: str, body: str) -> str:
    return (f'<div style="flex:1 1 260px; min-width:0; border-left:4px solid {colour}; padding-left:8px">'
            f'<div style="font-weight:600; color:{colour}">{r.esc(title)}</div>{body}</div>')


def _panel(title: str, part: dict | None, colour: str, meanings: dict | None = None) -> str:
    if part is None:
        return _panel_frame(title, colour, "<i>not decoded</i>")
    body = r.code_block(r.shorten(r.pretty_json(part), 20000), colour)
    if meanings:
        notes = [f"<code>{r.esc(name)}</code>: {r.esc(meanings[name])}" for name in part if name in meanings]
        body += "<br>".join(f"<small>{note}</small>" for note in notes)
    return _panel_frame(title, colour, body)
