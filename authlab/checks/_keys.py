"""Signing keys: guessable ones (common words, their hashes, repeats, short alphabets) and keys that leak.

``weak_key`` goes beyond the shipped wordlist (``authlab.weak``): a key of 64 ``"a"``,
the SHA-256 of ``"password"`` in hex, or random text over a two-letter alphabet is as
easy to guess as a word. ``leak`` looks for the key, in every form a program might
print it, in a response's body and headers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import Counter

import requests

from authlab.weak import weak_secrets, weakness

MIN_KEY_BITS = 128
COMMON_WORDS = ("password", "secret", "admin", "key", "jwt", "token", "changeme", "letmein", "qwerty", "test",
                "default", "flask", "django", "supersecret", "123456", "secret-key", "secret_key", "jwt-secret")
DIGESTS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s")


def key_bytes(key: str | bytes) -> bytes:
    return key.encode() if isinstance(key, str) else bytes(key)


def weak_key(key: str | bytes) -> str | None:
    """Why ``key`` is guessable, or None."""
    problem = weakness(key)
    if problem:
        return problem
    data = key_bytes(key)
    for period in range(1, len(data) // 2 + 1):
        if data == (data[:period] * (len(data) // period + 1))[: len(data)]:
            return f"it is {data[:period][:16]!r} repeated"
    steps = Counter(b - a for a, b in zip(data, data[1:], strict=False))
    if steps and steps.most_common(1)[0][1] > len(data) // 2:
        return "most of its characters follow the previous one by the same step (a sequence such as 'abcdef...')"
    word = _hashed_word(data)
    if word:
        return f"it is the {word[1]} of the common word {word[0]!r}: attackers hash their wordlists too"
    bits = _empirical_bits(data)
    if bits < MIN_KEY_BITS:
        return (f"its {len(data)} bytes use only {len(set(data))} different symbols, about {bits:.0f} bits of "
                f"entropy, fewer than {MIN_KEY_BITS}")
    return None


def _hashed_word(data: bytes) -> tuple[str, str] | None:
    words = {word.lower() for word in (*COMMON_WORDS, *weak_secrets())}
    for word in words:
        for name in DIGESTS:
            digest = hashlib.new(name, word.encode()).digest()
            if data in _forms(digest):
                return word, name
    return None


def _empirical_bits(data: bytes) -> float:
    """Length times the Shannon entropy of the symbols seen: an upper bound for text from a short alphabet."""
    counts = Counter(data)
    return -len(data) * sum(n / len(data) * math.log2(n / len(data)) for n in counts.values())


def _forms(data: bytes) -> set[bytes]:
    """``data`` as raw bytes, hex, base64 and base64url, padded or not."""
    encoded = {data, data.hex().encode(), data.hex().upper().encode()}
    for b64 in (base64.b64encode(data), base64.urlsafe_b64encode(data)):
        encoded |= {b64, b64.rstrip(b"=")}
    return encoded


def _printed_forms(key: str | bytes) -> set[bytes]:
    """Every way a program might write the key into a response."""
    data = key_bytes(key)
    forms = _forms(data) | {str(key).encode("utf-8", "replace"), json.dumps(str(key))[1:-1].encode()}
    if isinstance(key, str):
        forms.add(json.dumps(key)[1:-1].encode())
    return {form for form in forms if len(form) >= 8}


def leak(key: str | bytes, response: requests.Response) -> str | None:
    """Where ``response`` gives the key away ("its body", "its X header"), or None."""
    forms = _printed_forms(key)
    if any(form in response.content for form in forms):
        return "its body"
    for name, value in response.headers.items():
        if any(form in value.encode("latin-1", "replace") for form in forms):
            return f"its {name} header"
    return None
