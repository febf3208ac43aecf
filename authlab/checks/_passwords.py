"""Is a stored password record a slow, salted hash at OWASP's cost, and nothing that gives the password back?

The minimums are those of the OWASP Password Storage Cheat Sheet: argon2id with one of
its (memory, iterations) pairs at parallelism 1; scrypt N=2^17, r=8, p=1 or one of the
equivalent (N, p) pairs; bcrypt cost 10; PBKDF2 600 000 iterations with HMAC-SHA256,
1 300 000 with SHA-1, 210 000 with SHA-512. Formats understood: the PHC strings
(``$argon2id$...``, ``$scrypt$...``, ``$pbkdf2-sha256$...``), bcrypt's ``$2b$``,
Werkzeug's ``scrypt:N:r:p$`` and ``pbkdf2:sha256:N$``, Django's ``pbkdf2_sha256$N$``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re

OWASP = "the OWASP Password Storage Cheat Sheet"
ARGON2_PAIRS = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))  # (KiB, iterations), p=1
SCRYPT_PAIRS = ((2**17, 1), (2**16, 2), (2**15, 3), (2**14, 5), (2**13, 10))  # (N, p), r=8
BCRYPT_COST = 10
PBKDF2_ITERATIONS = {"sha1": 1_300_000, "sha256": 600_000, "sha512": 210_000}
HINT = ("hash with argon2id at OWASP's parameters: argon2.PasswordHasher(time_cost=2, memory_cost=19456, "
        "parallelism=1).hash(password)")


@dataclasses.dataclass(frozen=True)
class Verdict:
    scheme: str | None  # "argon2id", "scrypt", "bcrypt", "pbkdf2-sha256", ... or None when not recognised
    problem: str | None  # why it is not good enough, or None


def _ints(text: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", text)}


def judge(record: str) -> Verdict:
    """The scheme of one stored hash string and what keeps it under OWASP's minimums, if anything."""
    if match := re.fullmatch(r"\$(argon2(?:id|i|d))\$(?:v=\d+\$)?([^$]+)\$[^$]+\$[^$]+", record):
        variant, params = match[1], _ints(match[2])
        if variant != "argon2id":
            return Verdict(variant, f"it is {variant}; {OWASP} asks for argon2id")
        memory, iterations = params.get("m", 0), params.get("t", 0)
        if not any(memory >= m and iterations >= t for m, t in ARGON2_PAIRS):
            return Verdict(variant, f"argon2id with m={memory} KiB, t={iterations} is below {OWASP}'s minimum "
                                    "(m=19456 KiB with t=2, or an equivalent pair)")
        return Verdict(variant, None)
    if match := re.fullmatch(r"\$scrypt\$([^$]+)\$[^$]+\$[^$]+", record):
        params = _ints(match[1])
        return _scrypt(2 ** params.get("ln", 0), params.get("r", 0), params.get("p", 0))
    if match := re.fullmatch(r"scrypt:(\d+):(\d+):(\d+)\$[^$]+\$[^$]+", record):
        return _scrypt(int(match[1]), int(match[2]), int(match[3]))
    if match := re.fullmatch(r"\$2[abxy]?\$(\d\d)\$[./A-Za-z0-9]{53}", record):
        cost = int(match[1])
        problem = None if cost >= BCRYPT_COST else f"bcrypt with cost {cost} is below {OWASP}'s {BCRYPT_COST}"
        return Verdict("bcrypt", problem)
    for pattern in (r"\$pbkdf2-(sha1|sha256|sha512)\$(\d+)\$[^$]+\$[^$]+",
                    r"pbkdf2:(sha1|sha256|sha512):(\d+)\$[^$]+\$[^$]+",
                    r"pbkdf2_(sha1|sha256|sha512)\$(\d+)\$[^$]+\$[^$]+"):
        if match := re.fullmatch(pattern, record):
            digest, rounds = match[1], int(match[2])
            needed = PBKDF2_ITERATIONS[digest]
            problem = None if rounds >= needed else \
                f"PBKDF2-HMAC-{digest.upper()} with {rounds} iterations is below {OWASP}'s {needed}"
            return Verdict(f"pbkdf2-{digest}", problem)
    return Verdict(None, "it is not a hash format a password library writes (argon2id, scrypt, bcrypt, PBKDF2)")


def _scrypt(n: int, r: int, p: int) -> Verdict:
    if r >= 8 and any(n >= big_n and p >= small_p for big_n, small_p in SCRYPT_PAIRS):
        return Verdict("scrypt", None)
    return Verdict("scrypt", f"scrypt with N={n}, r={r}, p={p} is below {OWASP}'s minimum (N=2^17, r=8, p=1, "
                             "or an equivalent pair)")


def strings_in(record: object) -> list[str]:
    """Every string (bytes decoded) inside a stored record: the record itself, or a dict/list/tuple of fields."""
    if isinstance(record, bytes):
        return [record.decode("latin-1")]
    if isinstance(record, str):
        return [record]
    if isinstance(record, dict):
        return [text for key, value in record.items() for text in strings_in(key) + strings_in(value)]
    if isinstance(record, list | tuple | set | frozenset):
        return [text for value in record for text in strings_in(value)]
    return [text for value in getattr(record, "__dict__", {}).values() for text in strings_in(value)]


def reveals(record: object, password: str) -> str | None:
    """How the record gives the password back (contains it, or a part decodes to it), or None."""
    secret = password.encode()
    for text in strings_in(record):
        if password in text:
            return "contains the password itself"
        for part in re.split(r"[$:.,;|\s]+", text):
            for name, decoded in _decodings(part):
                if secret in decoded:
                    return f"has a part that decodes ({name}) to the password"
    return None


def _decodings(part: str) -> list[tuple[str, bytes]]:
    found = []
    padded = part + "=" * (-len(part) % 4)
    for name, decode in (("base64", base64.b64decode), ("base64url", base64.urlsafe_b64decode)):
        try:
            found.append((name, decode(padded)))
        except (binascii.Error, ValueError):
            continue
    try:
        found.append(("hex", bytes.fromhex(part)))
    except ValueError:
        pass
    return found


def verifies(scheme: str, record: str, password: str) -> bool | None:
    """Does ``record`` verify ``password``? None for the schemes this module cannot run."""
    if scheme == "argon2id":
        import argon2

        try:
            return argon2.PasswordHasher().verify(record, password)
        except argon2.exceptions.VerificationError:
            return False
        except argon2.exceptions.InvalidHashError:
            return False
    if re.match(r"(scrypt|pbkdf2):", record):
        from werkzeug.security import check_password_hash

        return check_password_hash(record, password)
    return None
