"""Is a signing secret weak? A shipped list of secrets people really use, and a length rule."""

from __future__ import annotations

import functools
from importlib import resources

# HS256 keys should carry at least as many bits as the hash output (RFC 7518, 3.2).
MIN_SECRET_BYTES = 32


@functools.cache
def weak_secrets() -> tuple[str, ...]:
    """The shipped wordlist of common secrets, in file order (most common first)."""
    text = resources.files("authlab").joinpath("data/weak_secrets.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def weakness(secret: str | bytes) -> str | None:
    """One sentence saying why ``secret`` is weak, or None when it passes both rules."""
    text = secret.decode("utf-8", "replace") if isinstance(secret, bytes) else secret
    raw = secret if isinstance(secret, bytes) else secret.encode()
    if text in _weak_set():
        return f"{text!r} is in the list of common secrets an attacker tries first"
    if len(raw) < MIN_SECRET_BYTES:
        return f"the secret is {len(raw)} bytes; use at least {MIN_SECRET_BYTES} random bytes (secrets.token_bytes)"
    return None


@functools.cache
def _weak_set() -> frozenset[str]:
    return frozenset(weak_secrets())
