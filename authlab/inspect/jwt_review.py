"""What a security reviewer says about a decoded JWT: each claim explained, each risk a ``Finding``."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from authlab.inspect import _render as r
from authlab.inspect.keys import ALGORITHMS, load_key
from authlab.inspect.verdicts import Finding, Status
from authlab.weak import weakness

if TYPE_CHECKING:
    from authlab.inspect.jwt import TokenInspection

__all__ = ["CLAIM_MEANINGS", "HEADER_MEANINGS", "Claim", "claims", "numeric_date", "review"]

ONE_DAY = 24 * 3600
MAX_CLAIMS = 100  # explained one by one; a payload with more is shown whole but not itemised
MAX_DATE = 1e13  # seconds: year 318857; anything further is not a date (and NaN/inf fail the comparison)


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


def numeric_date(value: Any) -> float | None:
    """``value`` as seconds since 1970 when it is a usable NumericDate, else None."""
    if isinstance(value, int | float) and not isinstance(value, bool) and -MAX_DATE < value < MAX_DATE:
        return float(value)
    return None


def claims(payload: dict, now: float) -> list[Claim]:
    claims = []
    for name, value in list(payload.items())[:MAX_CLAIMS]:
        meaning = CLAIM_MEANINGS.get(name, PRIVATE_CLAIM)
        date = relative = None
        seconds = numeric_date(value) if name in ("exp", "nbf", "iat") else None
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


def review(report: TokenInspection, key: Any) -> list[Finding]:
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
        if name in payload and numeric_date(payload[name]) is None:
            findings.append(Finding("bad-date", f"{name} is {r.shorten(repr(payload[name]), 60)}, not a usable "
                                                "number of seconds since 1970 (NumericDate); verifiers reject or "
                                                "misread it"))
    exp, nbf, iat = (numeric_date(payload.get(name)) for name in ("exp", "nbf", "iat"))
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
    loaded = load_key(key, report.header.get("kid"))
    findings = []
    if loaded.kty == "oct":
        problem = weakness(loaded.material)
        if problem:
            findings.append(Finding("weak-secret", f"weak secret: {problem}; anyone who guesses it can sign tokens"))
        return findings
    if loaded.private:
        findings.append(Finding("private-key", "the key given is a PRIVATE key; verifying needs only the public "
                                               "key, and the private key must never leave the issuer"))
    short = ALGORITHMS[report.alg].check_key_length(loaded.public)
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
