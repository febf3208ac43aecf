"""CSRF defences for apps whose login rides in a cookie: a session-bound token and an origin check.

OWASP's CSRF Prevention Cheat Sheet recommends the *signed double-submit cookie*: the token is an
HMAC, under a key only the server has, over a value bound to this login (a server-side session's
ID, or a JWT's ``jti``) and a random nonce. The page's own script reads it (from a cookie or the
login response) and sends it back in a header or form field. Someone who can plant cookies for the
site (a sibling subdomain, a network attacker on plain http) can plant a cookie and send a matching
field, but cannot compute a token that is valid for the victim's login. The naive double submit
(any cookie equal to the header), which OWASP now discourages, accepts exactly that.

``request_from_elsewhere`` is the second, independent check: Fetch Metadata (``Sec-Fetch-Site``)
where the browser sends it, else ``Origin``. It refuses state-changing requests another site (or a
sibling subdomain) started, whatever tokens they carry.

    tokens = CsrfTokens()
    csrf = tokens.issue(claims["jti"])        # at login: hand it to the page
    tokens.valid(sent, claims["jti"])         # on every state-changing request
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TRUSTED_FETCH_SITES = frozenset({"same-origin", "none"})  # "none": typed URL, bookmark

__all__ = ["SAFE_METHODS", "CsrfTokens", "request_from_elsewhere"]


class CsrfTokens:
    """Issue and check CSRF tokens bound to one login: ``<hex HMAC-SHA256>.<nonce>``."""

    def __init__(self, key: bytes | None = None):
        self._key = key if key is not None else secrets.token_bytes(32)

    def issue(self, binding: str) -> str:
        """A fresh token for the login identified by ``binding`` (never sent in the token itself)."""
        if not binding:
            raise ValueError("a CSRF token must be bound to a session ID or a token's jti")
        nonce = secrets.token_urlsafe(16)
        return f"{self._mac(binding, nonce)}.{nonce}"

    def valid(self, token: object, binding: str | None) -> bool:
        """Whether ``token`` was issued by this server for this login. Anything malformed is just invalid."""
        if not isinstance(token, str) or not binding:
            return False
        mac, dot, nonce = token.partition(".")
        if not dot or not nonce:
            return False
        return hmac.compare_digest(mac.encode(), self._mac(binding, nonce).encode())

    def _mac(self, binding: str, nonce: str) -> str:
        # Lengths first, as in OWASP's pseudo-code, so no two (binding, nonce) pairs give one message.
        message = f"{len(binding)}!{binding}!{len(nonce)}!{nonce}"
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()


def request_from_elsewhere(method: str, headers, host_url: str) -> str | None:
    """Why a state-changing request was started by another site or origin, or None if nothing says so.

    ``headers`` is the request's header mapping, ``host_url`` the URL the app answers at (Flask's
    ``request.host_url``). Safe methods always pass. A request with neither ``Sec-Fetch-Site`` nor
    ``Origin`` (``requests``, curl, an old browser) passes too: the CSRF token decides for it.
    """
    if method.upper() in SAFE_METHODS:
        return None
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site in TRUSTED_FETCH_SITES:
            return None
        return f"Sec-Fetch-Site: {fetch_site} (a page elsewhere started this request)"
    origin = headers.get("Origin")
    if origin is None:
        return None
    own = urlsplit(host_url)
    if origin != f"{own.scheme}://{own.netloc}":
        return f"Origin: {origin} is not this site ({own.scheme}://{own.netloc})"
    return None
