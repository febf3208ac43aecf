"""Logout everywhere for JWTs: a per-user "not before" time, kept in a session store.

A signed token cannot be called back, but a server can refuse every token of one user that was
issued before a cut-off: set the cut-off at "sign out everywhere" or a password change, and
compare each token's ``iat`` with it on every request. That is one entry per user who used it,
kept only as long as the longest token lifetime (by then every older token has expired anyway),
and, unlike a ``jti`` denylist, it needs no list of the user's tokens.

The comparison is exact only if ``iat`` has the clock's resolution: RFC 7519's NumericDate may
carry fractions of a second. With whole seconds, a token issued in the same second as the
cut-off, just after it, is refused too (the user signs in again a second later).

    cutoff = NotBefore(store, max_lifetime=15 * 60)
    cutoff.cut_off("alice")            # password changed: every older token of alice's is void
    cutoff.allows(claims)              # False for a token issued before that
"""

from __future__ import annotations

import time
from collections.abc import Callable

from authlab.stores import SessionStore

__all__ = ["NotBefore"]


class NotBefore:
    """Per-user cut-off times: tokens whose ``iat`` is not later than the user's cut-off are refused."""

    def __init__(self, store: SessionStore, max_lifetime: float, clock: Callable[[], float] = time.time,
                 prefix: str = "not-before:"):
        self.store = store
        self.max_lifetime = max_lifetime
        self.clock = clock
        self.prefix = prefix

    def cut_off(self, user: str) -> float:
        """Void every token ``user`` holds now; returns the cut-off time."""
        at = self.clock()
        self.store.save(self.prefix + user, {"at": at}, ttl=self.max_lifetime)
        return at

    def of(self, user: str) -> float | None:
        """The user's cut-off time, or None when no token of theirs is void."""
        entry = self.store.load(self.prefix + user)
        return None if entry is None else entry["at"]

    def allows(self, claims: dict) -> bool:
        """Whether a verified token's claims (``sub`` and ``iat``) were issued after the user's cut-off."""
        at = self.of(claims["sub"])
        return at is None or claims["iat"] > at
