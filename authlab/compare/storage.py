"""Storage figures: what the server keeps per user, and what every request carries.

- Store growth: a real store filled directly with session records shaped like the session
  app's own, measured with the store's ``bytes_used()`` (serialised key and value; for
  Redis its own ``MEMORY USAGE``, per-key overhead included) as users grow.
- Server state: the stores of running reference apps, read while a user is logged in and
  again after logout.
- Wire: the bytes of an authenticated request as ``requests`` prepares it, split into the
  headers that carry the credential and the rest.
- Token size: a JWT as the claims it carries grow, next to the session cookie that stays
  the same size because those claims live on the server.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import requests

from authlab.apps import SESSION_COOKIE, TOKEN_COOKIE
from authlab.client import CSRF_HEADER
from authlab.compare.progress import bar
from authlab.stores import MemoryStore, RedisStore, SessionStore, new_session_id
from authlab.tokens import TokenService
from authlab.webapp import AuthState

SESSION_TTL = 1800
COOKIE_LIMIT = 4096  # bytes per cookie (name + value) that every browser must accept (RFC 6265 section 6.1)
CREDENTIAL_HEADERS = ("Cookie", "Authorization", CSRF_HEADER)
_REDIS_BATCH = 1000


def session_record(number: int, now: float | None = None) -> dict:
    """A session as the session app stores it: the user, when it was created, when last seen."""
    now = time.time() if now is None else now
    return {"user": f"user{number:06d}", "created": now, "seen": now}


@dataclasses.dataclass
class Growth:
    """``bytes_used()`` of one store as users (one session each) were added."""

    store: str
    users: list[int] = dataclasses.field(default_factory=list)
    bytes: list[int] = dataclasses.field(default_factory=list)

    @property
    def per_session(self) -> list[float]:
        return [size / users for users, size in zip(self.users, self.bytes, strict=True)]


def _writer(store: SessionStore) -> tuple[SessionStore, Callable[[], None]]:
    """The store to call ``save`` on, and a flush: for Redis a copy whose commands are pipelined.

    The copy runs the store's own ``save`` (same keys, encoding and expiry), only batched, so
    100 000 sessions cost a few hundred round trips instead of 100 000.
    """
    if isinstance(store, RedisStore):
        batched = copy.copy(store)
        batched.client = store.client.pipeline(transaction=False)
        return batched, batched.client.execute
    return store, lambda: None


def store_growth(store: SessionStore, points: Sequence[int], record: Callable[[int], dict] = session_record,
                 progress: bool = False) -> Growth:
    """Add sessions to ``store`` up to each of ``points`` users and measure ``bytes_used()`` there."""
    growth = Growth(store.kind)
    writer, flush = _writer(store)
    added = 0
    with bar(max(points, default=0), f"{store.kind} store", progress) as progress_bar:
        for users in sorted(points):
            while added < users:
                writer.save(new_session_id(), record(added), ttl=SESSION_TTL)
                added += 1
                if added % _REDIS_BATCH == 0:
                    flush()
                    progress_bar.update(_REDIS_BATCH)
            flush()
            growth.users.append(users)
            growth.bytes.append(store.bytes_used())
    return growth


def denylist_entry_bytes(count: int = 100) -> float:
    """Bytes one revoked token costs on a memory denylist: the state JWT logout brings back."""
    denylist = MemoryStore()
    tokens = TokenService(denylist=denylist)
    for number in range(count):
        tokens.revoke(tokens.verify(tokens.issue(f"user{number:06d}")))
    return denylist.bytes_used() / count


def server_bytes(state: AuthState) -> int:
    """What a reference app keeps on the server right now: its session store and denylist, in bytes."""
    return sum(store.bytes_used() for store in (state.store, state.denylist) if store is not None)


# --- the wire ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Wire:
    """The size of one authenticated request on the wire (HTTP/1.1 request line and headers)."""

    approach: str
    credential_headers: dict[str, int]  # header name -> bytes of its line, CRLF included
    request_bytes: int

    @property
    def credential_bytes(self) -> int:
        return sum(self.credential_headers.values())


def _header_line(name: str, value: str) -> int:
    return len(f"{name}: {value}\r\n".encode("latin-1"))


def wire_bytes(approach: str, client: requests.Session, url: str) -> Wire:
    """Size of ``GET url`` as ``client`` would send it: its prepared request, plus the Host header
    that http.client adds; headers are latin-1 on the wire, as HTTP/1.1 defines them."""
    prepared = client.prepare_request(requests.Request("GET", url))
    lines = [f"{prepared.method} {prepared.path_url} HTTP/1.1\r\n".encode("latin-1")]
    headers = {"Host": urlsplit(prepared.url).netloc, **prepared.headers}
    size = sum(map(len, lines)) + sum(_header_line(name, value) for name, value in headers.items()) + len(b"\r\n")
    size += len(prepared.body or b"")
    credentials = {name: _header_line(name, value) for name, value in headers.items() if name in CREDENTIAL_HEADERS}
    return Wire(approach, credentials, size)


# --- token size -------------------------------------------------------------------------

_RESOURCES = ("invoices", "orders", "customers", "reports", "users", "products", "payments", "settings")
_ACTIONS = ("read", "write", "delete", "export")


def permissions(count: int) -> list[str]:
    """``count`` distinct permission strings such as ``invoices:read``: what tokens tend to grow with."""
    names = [f"{resource}:{action}" for action in _ACTIONS for resource in _RESOURCES]
    return [f"{names[i % len(names)]}{'' if i < len(names) else f':{i // len(names)}'}" for i in range(count)]


@dataclasses.dataclass
class TokenSizes:
    """Sizes in bytes as the claims grow: the JWT (HS256, RS256), its cookie, and the session alternative."""

    claims: list[int] = dataclasses.field(default_factory=list)
    hs256: list[int] = dataclasses.field(default_factory=list)
    rs256: list[int] = dataclasses.field(default_factory=list)
    token_cookie: list[int] = dataclasses.field(default_factory=list)  # access_token=<HS256 token>
    session_cookie: list[int] = dataclasses.field(default_factory=list)  # session_id=<id>, whatever the claims
    session_record: list[int] = dataclasses.field(default_factory=list)  # the same claims kept server-side

    def over_cookie_limit(self) -> list[int]:
        """Claim counts at which the token no longer fits in one cookie."""
        return [claims for claims, size in zip(self.claims, self.token_cookie, strict=True) if size > COOKIE_LIMIT]


def token_sizes(counts: Sequence[int], rsa_key) -> TokenSizes:
    hs256, rs256 = TokenService(), TokenService(rsa_key)
    sizes = TokenSizes()
    sid = new_session_id()
    for count in counts:
        extra = {"permissions": permissions(count)} if count else {}
        token = hs256.issue("alice", **extra)
        sizes.claims.append(count)
        sizes.hs256.append(len(token))
        sizes.rs256.append(len(rs256.issue("alice", **extra)))
        sizes.token_cookie.append(len(f"{TOKEN_COOKIE}={token}"))
        sizes.session_cookie.append(len(f"{SESSION_COOKIE}={sid}"))
        record = MemoryStore()
        record.save(sid, {**session_record(0), **extra}, ttl=SESSION_TTL)
        sizes.session_record.append(record.bytes_used())
    return sizes
