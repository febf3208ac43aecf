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
from typing import Any

from authlab.inspect import _render as r
from authlab.inspect import jwt_html
from authlab.inspect.jwt_decode import Malformed, decode_into
from authlab.inspect.jwt_review import Claim, claims, numeric_date, review
from authlab.inspect.keys import check_signature, sign
from authlab.inspect.verdicts import Finding, Status
from authlab.wire import b64url_encode, json_segment

__all__ = ["TokenInspection", "encode", "inspect_jwt"]


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
        exp = numeric_date((self.payload or {}).get("exp"))
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
        return jwt_html.html(self)


def inspect_jwt(token: str | bytes, key: Any = None, *, now: Any = None) -> TokenInspection:
    """Decode ``token``, verify its signature with ``key`` if given, explain its claims and list warnings.

    ``now`` (a datetime, epoch seconds, or None for the clock) fixes the time used for expiry, so that
    notebooks and tests give the same answer every run. Never raises: bad input gives Status.MALFORMED
    or Status.CANNOT_VERIFY with a one-line verdict.
    """
    report = TokenInspection(token="", status=Status.MALFORMED, verdict="", key=key, now=r.now_timestamp(now))
    try:
        decode_into(report, token)
    except Malformed as problem:
        report.verdict = r.one_line(str(problem))
        return report
    report.status, verdict = check_signature(report, key)
    report.verdict = r.one_line(verdict)
    report.claims = claims(report.payload, report.now)
    report.warnings += review(report, key)
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
    signature, verifying_key = sign(header["alg"], signing_input.encode(), key)
    return inspect_jwt(f"{signing_input}.{b64url_encode(signature)}", verifying_key, now=now)
