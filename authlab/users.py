"""The course's user accounts: usernames and salted password hashes, never the passwords."""

from __future__ import annotations

import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet: argon2id with 19 MiB of memory, 2 iterations, 1 lane.
PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

DEMO_USERS = {"alice": "secret123", "bob": "correct horse battery staple"}

__all__ = ["DEMO_USERS", "PASSWORD_HASHER", "Users"]


class Users:
    """Usernames and password hashes (argon2id, salted, at OWASP's parameters); plain passwords are never kept."""

    def __init__(self, passwords: dict[str, str] | None = None):
        self._hashes = {
            name: PASSWORD_HASHER.hash(password)
            for name, password in (DEMO_USERS if passwords is None else passwords).items()
        }
        # Checked against unknown users too, so a wrong username costs as long as a wrong password.
        self._dummy_hash = PASSWORD_HASHER.hash(secrets.token_urlsafe(16))

    def authenticate(self, username: Any, password: Any) -> str | None:
        """The username when the password matches its hash, else None."""
        if not isinstance(username, str) or not isinstance(password, str):
            return None
        stored = self._hashes.get(username, self._dummy_hash)
        try:
            PASSWORD_HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return username if username in self._hashes else None

    def __contains__(self, username: str) -> bool:
        return username in self._hashes
