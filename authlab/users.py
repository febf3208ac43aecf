"""The course's user accounts: usernames and salted password hashes, never the passwords."""

from __future__ import annotations

import secrets
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

DEMO_USERS = {"alice": "secret123", "bob": "correct horse battery staple"}

__all__ = ["DEMO_USERS", "Users"]


class Users:
    """Usernames and password hashes (scrypt, salted); plain passwords are never kept."""

    def __init__(self, passwords: dict[str, str] | None = None):
        self._hashes = {
            name: generate_password_hash(password)
            for name, password in (DEMO_USERS if passwords is None else passwords).items()
        }
        # Checked against unknown users too, so a wrong username costs as long as a wrong password.
        self._dummy_hash = generate_password_hash(secrets.token_urlsafe(16))

    def authenticate(self, username: Any, password: Any) -> str | None:
        """The username when the password matches its hash, else None."""
        if not isinstance(username, str) or not isinstance(password, str):
            return None
        stored = self._hashes.get(username, self._dummy_hash)
        if check_password_hash(stored, password) and username in self._hashes:
            return username
        return None

    def __contains__(self, username: str) -> bool:
        return username in self._hashes
