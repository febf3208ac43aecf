"""What the provider keeps: users, registered clients, authorization codes and tokens.

Each class implements the Authlib mixin its server classes expect (``ClientMixin``,
``AuthorizationCodeMixin``, ``TokenMixin``); ``store.Store`` keeps the instances in memory.
"""

from __future__ import annotations

import dataclasses
import functools
import secrets
import time

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin
from werkzeug.security import check_password_hash, generate_password_hash

from authlab.oidc.keys import DEFAULT_ALGORITHM, ID_TOKEN_ALGORITHMS

DEMO_USERS = {"alice": "secret123", "bob": "correct horse battery staple"}
DEFAULT_SCOPE = "openid profile email offline_access"
CODE_LIFETIME = 60  # seconds; OAuth 2.1 §4.1.2: short-lived, 10 minutes at most


@dataclasses.dataclass(frozen=True)
class User:
    """An end user; ``sub`` is the username (stable and never reassigned in this course)."""

    username: str

    def get_user_id(self) -> str:
        return self.username

    def claims(self, scope: str) -> dict:
        """The standard claims (OIDC Core §5.1) this scope releases."""
        scopes = scope_to_list(scope) or []
        claims = {"sub": self.username}
        if "profile" in scopes:
            claims.update(name=self.username.title(), preferred_username=self.username)
        if "email" in scopes:
            claims.update(email=f"{self.username}@example.org", email_verified=True)
        return claims


@functools.cache
def demo_users() -> Users:
    """alice / secret123 and bob, hashed once per process."""
    return Users(DEMO_USERS)


class Users:
    """Usernames and salted password hashes (Werkzeug's scrypt); plain passwords are never kept.

    Hashing is slow on purpose, so build one ``Users`` and share it between providers.
    """

    def __init__(self, passwords: dict[str, str] | None = None):
        self._hashes = {name: generate_password_hash(pw) for name, pw in (passwords or DEMO_USERS).items()}
        self._dummy = generate_password_hash(secrets.token_urlsafe(16))

    def authenticate(self, username, password) -> User | None:
        if not isinstance(username, str) or not isinstance(password, str):
            return None
        matches = check_password_hash(self._hashes.get(username, self._dummy), password)
        return User(username) if matches and username in self._hashes else None

    def get(self, username: str) -> User | None:
        return User(username) if username in self._hashes else None


@dataclasses.dataclass
class Client(ClientMixin):
    """A registered relying party.

    Without ``client_secret`` it is a public client (a single-page or native app): it
    authenticates with nothing but PKCE. ``first_party`` clients skip the consent page.
    Redirect URIs are compared as exact strings (OAuth 2.1 §2.3.1, §4.1.1).
    """

    client_id: str
    redirect_uris: list[str]
    client_secret: str | None = None
    first_party: bool = True
    id_token_alg: str = DEFAULT_ALGORITHM
    post_logout_redirect_uris: list[str] = dataclasses.field(default_factory=list)
    scope: str = DEFAULT_SCOPE
    name: str = ""

    def __post_init__(self):
        if self.id_token_alg not in ID_TOKEN_ALGORITHMS:
            raise ValueError(f"id_token_alg must be one of {ID_TOKEN_ALGORITHMS}, not {self.id_token_alg!r}")
        self.redirect_uris = list(self.redirect_uris)
        self.post_logout_redirect_uris = list(self.post_logout_redirect_uris)

    @property
    def public(self) -> bool:
        return self.client_secret is None

    @property
    def client_metadata(self) -> dict:
        return {
            "client_name": self.name or self.client_id,
            "redirect_uris": self.redirect_uris,
            "post_logout_redirect_uris": self.post_logout_redirect_uris,
            "id_token_signed_response_alg": self.id_token_alg,
            "token_endpoint_auth_method": "none" if self.public else "client_secret_basic",
        }

    @property
    def id_token_signed_response_alg(self) -> str:
        return self.id_token_alg

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # OIDC Core §3.1.2.1: redirect_uri is required in every request

    def get_allowed_scope(self, scope) -> str:
        allowed = set(scope_to_list(self.scope))
        return list_to_scope([s for s in scope_to_list(scope) or [] if s in allowed])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.client_secret is None or not isinstance(client_secret, str):
            return False
        return secrets.compare_digest(self.client_secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


@dataclasses.dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None = None
    auth_time: int = 0
    issued_at: float = dataclasses.field(default_factory=time.time)
    used: bool = False
    family: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(12))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> list[str]:
        return ["pwd"]

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + CODE_LIFETIME


@dataclasses.dataclass
class Token(TokenMixin):
    """One token response: the access token and (when granted) its refresh token.

    ``family`` is shared by every token descended from one authorization code, so a
    replayed refresh token or code revokes them all (OAuth 2.1 §4.3.1, §4.1.3).
    """

    client: Client
    user: User
    scope: str
    access_token: str
    expires_in: int
    family: str
    refresh_token: str | None = None
    issued_at: float = dataclasses.field(default_factory=time.time)
    revoked: bool = False
    rotated: bool = False  # its refresh token was exchanged for a new one

    def check_client(self, client) -> bool:
        return client is not None and client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> User:
        return self.user

    def get_client(self) -> Client:
        return self.client
