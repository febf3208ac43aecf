"""The provider's memory: clients, codes, tokens, sign-in sessions and nonces, behind one lock.

Every method takes the lock, so the provider's request threads (authlab.serve runs one per
connection) never see a half-made change: a code is redeemed once, a refresh token rotates once.
"""

from __future__ import annotations

import secrets
import threading
import time

from authlab.oidc.models import AuthorizationCode, Client, Token, User

SESSION_LIFETIME = 8 * 3600  # the provider's own sign-in session


class Store:
    def __init__(self, clients: list[Client]):
        self._lock = threading.Lock()
        self._clients = {client.client_id: client for client in clients}
        self._codes: dict[str, AuthorizationCode] = {}
        self._access: dict[str, Token] = {}
        self._refresh: dict[str, Token] = {}
        self._sessions: dict[str, tuple[User, int]] = {}
        self._nonces: set[tuple[str, str]] = set()

    # -- clients ---------------------------------------------------------------------------

    def client(self, client_id) -> Client | None:
        with self._lock:
            return self._clients.get(client_id) if isinstance(client_id, str) else None

    def add_client(self, client: Client) -> None:
        with self._lock:
            self._clients[client.client_id] = client

    # -- authorization codes ---------------------------------------------------------------

    def add_code(self, code: AuthorizationCode) -> None:
        with self._lock:
            self._codes[code.code] = code
            if code.nonce:
                self._nonces.add((code.client_id, code.nonce))

    def nonce_seen(self, client_id: str, nonce: str) -> bool:
        with self._lock:
            return (client_id, nonce) in self._nonces

    def redeem_code(self, code, client_id: str) -> AuthorizationCode | None:
        """Claim the code if it is fresh, unused and this client's; a second use revokes its tokens.

        Claiming and checking happen under one lock, so of two concurrent redemptions one wins.
        The code is kept after use, so a second use is recognised.
        """
        with self._lock:
            found = self._codes.get(code) if isinstance(code, str) else None
            if found is None or found.client_id != client_id:
                return None
            if found.used:
                self._revoke_family(found.family)
                return None
            found.used = True
            return None if found.is_expired() else found

    # -- tokens ----------------------------------------------------------------------------

    def add_token(self, token: Token) -> None:
        with self._lock:
            self._access[token.access_token] = token
            if token.refresh_token:
                self._refresh[token.refresh_token] = token

    def access_token(self, value) -> Token | None:
        with self._lock:
            return self._access.get(value) if isinstance(value, str) else None

    def refreshable(self, value) -> Token | None:
        """The token whose refresh token this is, if live; a rotated one replayed revokes its family."""
        with self._lock:
            token = self._refresh.get(value) if isinstance(value, str) else None
            if token is not None and token.rotated:
                self._revoke_family(token.family)
                return None
            return None if token is None or token.revoked else token

    def rotate(self, token: Token) -> None:
        """Mark this refresh token used, and its access token revoked (a new pair replaces them)."""
        with self._lock:
            token.rotated = True
            token.revoked = True

    def _revoke_family(self, family: str) -> None:
        for token in self._access.values():
            if token.family == family:
                token.revoked = True

    # -- the provider's sign-in sessions ---------------------------------------------------

    def new_session(self, user: User) -> str:
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session_id] = (user, int(time.time()))
        return session_id

    def session(self, session_id) -> tuple[User, int] | None:
        """(user, auth_time) of a live sign-in session."""
        with self._lock:
            found = self._sessions.get(session_id) if isinstance(session_id, str) else None
            if found and time.time() > found[1] + SESSION_LIFETIME:
                del self._sessions[session_id]
                return None
            return found

    def end_session(self, session_id) -> None:
        with self._lock:
            if isinstance(session_id, str):
                self._sessions.pop(session_id, None)
