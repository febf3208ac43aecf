"""Refresh tokens with rotation and reuse detection.

Access tokens stay short-lived (minutes), so a stolen one is soon useless. So that users
need not log in every few minutes, the client also holds a *refresh token*: opaque, random,
remembered by the server, and exchanged for a new access token **and a new refresh token**.
Each exchange retires the token it used (rotation). The tokens descended from one login
form a *family*. A retired token presented again means two parties hold copies, the user
and a thief, and the server cannot tell which one is asking, so it revokes the whole
family: both must log in again. (OAuth 2.0 Security Best Current Practice, RFC 9700.)

    tokens = RefreshTokens(store)
    first = tokens.issue("alice")
    second = tokens.rotate(first).refresh_token   # first is now retired
    tokens.rotate(first)                          # RefreshTokenReused: the family is revoked
    tokens.rotate(second)                         # FamilyRevoked

The store keeps a SHA-256 digest of each token, never the token itself, so a leaked store
hands out no usable tokens. Rotation is serialised within one process; several auth
processes sharing a store would need an atomic compare-and-set in the store (an SQL
``UPDATE … WHERE used = 0`` or Redis ``WATCH``), which the SessionStore interface lacks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading

from authlab.errors import AuthlabError
from authlab.stores import SessionStore

TOKEN_BYTES = 32
DEFAULT_LIFETIME = 14 * 24 * 60 * 60  # a login's refresh tokens live two weeks at most
_TOKEN_KEY = "refresh:"
_FAMILY_KEY = "refresh-family:"

__all__ = ["FamilyRevoked", "RefreshError", "RefreshTokenReused", "RefreshTokens", "Rotation",
           "UnknownRefreshToken"]


class RefreshError(AuthlabError):
    """A refresh token was refused; the message says why, in words fit for a 401 body."""


class UnknownRefreshToken(RefreshError):
    """The token was never issued here, or its login expired."""


class RefreshTokenReused(RefreshError):
    """An already exchanged token came back: it was copied, so its whole family is now revoked."""


class FamilyRevoked(RefreshError):
    """The token belongs to a login that was logged out or caught reusing a token."""


@dataclasses.dataclass(frozen=True)
class Rotation:
    """The result of exchanging a refresh token: who it belongs to and its successor."""

    user: str
    refresh_token: str
    family: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RefreshTokens:
    """Issues, rotates and revokes refresh-token families kept in a SessionStore."""

    def __init__(self, store: SessionStore, lifetime: float = DEFAULT_LIFETIME):
        self.store = store
        self.lifetime = lifetime
        self._lock = threading.Lock()

    def issue(self, user: str) -> str:
        """Start a new family (a login) and return its first refresh token."""
        family = secrets.token_urlsafe(16)
        expires = self.store.clock() + self.lifetime
        self.store.save(_FAMILY_KEY + family, {"user": user, "expires": expires, "revoked": None}, ttl=self.lifetime)
        return self._new_token(family, user, expires)

    def rotate(self, token: str) -> Rotation:
        """Retire ``token`` and return its successor; a retired token revokes its family."""
        with self._lock:
            entry = self._entry(token)
            family = self._family(entry["family"])
            if entry["used"]:
                self._revoke(entry["family"], family, "a refresh token was used twice")
                raise RefreshTokenReused(
                    "Refresh token reuse detected: it was already exchanged, so a copy exists. "
                    "Every refresh token of this login is revoked; log in again."
                )
            self.store.save(_TOKEN_KEY + _digest(token), {**entry, "used": True}, ttl=self._left(family))
            successor = self._new_token(entry["family"], entry["user"], family["expires"])
            return Rotation(entry["user"], successor, entry["family"])

    def revoke(self, token: str, reason: str = "logged out") -> bool:
        """Revoke the family ``token`` belongs to (logout); False when there was nothing to revoke."""
        with self._lock:
            try:
                entry = self._entry(token)
                family = self._family(entry["family"])
            except RefreshError:
                return False
            self._revoke(entry["family"], family, reason)
            return True

    def _new_token(self, family: str, user: str, expires: float) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        entry = {"family": family, "user": user, "used": False}
        self.store.save(_TOKEN_KEY + _digest(token), entry, ttl=max(1.0, expires - self.store.clock()))
        return token

    def _entry(self, token: str) -> dict:
        entry = self.store.load(_TOKEN_KEY + _digest(token)) if isinstance(token, str) and token else None
        if entry is None:
            raise UnknownRefreshToken("Unknown or expired refresh token: log in again")
        return entry

    def _family(self, family_id: str) -> dict:
        family = self.store.load(_FAMILY_KEY + family_id)
        if family is None:
            raise UnknownRefreshToken("This login expired: log in again")
        if family["revoked"]:
            raise FamilyRevoked(f"This login was revoked ({family['revoked']}): log in again")
        return family

    def _left(self, family: dict) -> float:
        return max(1.0, family["expires"] - self.store.clock())

    def _revoke(self, family_id: str, family: dict, reason: str) -> None:
        # Kept (marked) rather than deleted, so later attempts say why they fail.
        self.store.save(_FAMILY_KEY + family_id, {**family, "revoked": reason}, ttl=self._left(family))
