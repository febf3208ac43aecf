"""Server-side session stores: one interface, three backends (memory, SQLite, Redis).

The shape follows Flask's ``SessionInterface``: a small abstract class and plain
implementations. A store maps an opaque key (a session ID, or a token's ``jti`` on a
denylist) to a JSON-serialisable dict that expires after ``ttl`` seconds.

    store = MemoryStore()                      # one process only
    store = SQLiteStore("sessions.db")         # shared by processes on one machine
    store = RedisStore("redis://127.0.0.1:6379/0")  # shared by machines

    sid = new_session_id()
    store.save(sid, {"user": "alice"}, ttl=1800)
    store.load(sid)      # {'user': 'alice'}, or None once expired or deleted
    store.delete(sid)
"""

from __future__ import annotations

import abc
import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

# 32 random bytes = 256 bits; OWASP asks for at least 64 bits of entropy, we want 128+.
SESSION_ID_BYTES = 32

Clock = Callable[[], float]


def new_session_id() -> str:
    """An unguessable session ID: 256 bits from the OS's CSPRNG, URL-safe base64."""
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def _encode(data: dict) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


class SessionStore(abc.ABC):
    """Where the server keeps session data. Every backend expires entries itself."""

    #: a short label for tables and plots
    kind = "store"

    def __init__(self, clock: Clock = time.time):
        self.clock = clock

    @abc.abstractmethod
    def save(self, key: str, data: dict, ttl: float) -> None:
        """Store ``data`` under ``key`` for ``ttl`` seconds, replacing what was there."""

    @abc.abstractmethod
    def load(self, key: str) -> dict | None:
        """The data under ``key``, or None when it is missing or expired."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Forget ``key`` (a no-op when it is not there)."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many live (unexpired) entries the store holds."""

    @abc.abstractmethod
    def bytes_used(self) -> int:
        """Bytes the live entries take: the backend's own figure where it has one."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Forget everything."""

    @abc.abstractmethod
    def items(self) -> dict[str, dict]:
        """A snapshot of the live entries, key -> data."""

    def sessions_of(self, user: str, field: str = "user") -> dict[str, dict]:
        """The live sessions whose data has ``field == user``: a "where you are signed in" list.

        It scans the store, which suits a lesson; a big deployment keeps a per-user index instead
        (a Redis set of session IDs per user).
        """
        return {key: data for key, data in self.items().items() if data.get(field) == user}

    def end_sessions_of(self, user: str, keep: str | None = None, field: str = "user") -> int:
        """Delete every live session of ``user`` except ``keep``; return how many ended.

        Logout everywhere, and what a password change should do to the other sessions.
        """
        ended = [key for key in self.sessions_of(user, field) if key != keep]
        for key in ended:
            self.delete(key)
        return len(ended)

    def close(self) -> None:  # noqa: B027 -- optional: only some backends hold connections
        """Release connections or files."""

    def __contains__(self, key: str) -> bool:
        return self.load(key) is not None

    def __len__(self) -> int:
        return self.count()


class MemoryStore(SessionStore):
    """A dict in this process: fast, but every server process has its own."""

    kind = "memory"

    def __init__(self, clock: Clock = time.time):
        super().__init__(clock)
        self._entries: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    def save(self, key: str, data: dict, ttl: float) -> None:
        with self._lock:
            self._entries[key] = (self.clock() + ttl, _encode(data))

    def load(self, key: str) -> dict | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self.clock():
                del self._entries[key]
                return None
            return json.loads(entry[1])

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _live(self) -> list[tuple[str, str]]:
        now = self.clock()
        with self._lock:
            return [(key, value) for key, (expires, value) in self._entries.items() if expires > now]

    def count(self) -> int:
        return len(self._live())

    def bytes_used(self) -> int:
        """Key and serialised value bytes (the dict's own overhead is not counted)."""
        return sum(len(key) + len(value) for key, value in self._live())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def items(self) -> dict[str, dict]:
        return {key: json.loads(value) for key, value in self._live()}


class SQLiteStore(SessionStore):
    """A table in an SQLite file: shared by every process on this machine, zero set-up."""

    kind = "sqlite"

    BUSY_TIMEOUT = 10.0  # seconds a statement waits for another process's lock

    def __init__(self, path: str | Path = ":memory:", clock: Clock = time.time):
        super().__init__(clock)
        self.path = str(path)
        self._local = threading.local()
        db = self._connection()
        if self.path != ":memory:":
            _switch_to_wal(db, self.BUSY_TIMEOUT)
        db.execute("CREATE TABLE IF NOT EXISTS sessions "
                   "(key TEXT PRIMARY KEY, expires REAL NOT NULL, data TEXT NOT NULL)")
        if self.path == ":memory:":  # one connection, or every thread sees its own empty db
            self._shared = self._local.db
            self._shared_lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable enough for sessions, no fsync per write
            self._local.db = db
        return db

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self.path == ":memory:":
            with self._shared_lock:
                return self._shared.execute(sql, args).fetchall()
        return self._connection().execute(sql, args).fetchall()

    def save(self, key: str, data: dict, ttl: float) -> None:
        self._run("INSERT OR REPLACE INTO sessions VALUES (?, ?, ?)", (key, self.clock() + ttl, _encode(data)))

    def load(self, key: str) -> dict | None:
        rows = self._run("SELECT expires, data FROM sessions WHERE key = ?", (key,))
        if not rows:
            return None
        expires, data = rows[0]
        if expires <= self.clock():
            self.delete(key)
            return None
        return json.loads(data)

    def delete(self, key: str) -> None:
        self._run("DELETE FROM sessions WHERE key = ?", (key,))

    def count(self) -> int:
        return self._run("SELECT COUNT(*) FROM sessions WHERE expires > ?", (self.clock(),))[0][0]

    def bytes_used(self) -> int:
        """Key, expiry and data bytes of live rows (page overhead not counted)."""
        rows = self._run(
            "SELECT COALESCE(SUM(LENGTH(key) + LENGTH(data) + 8), 0) FROM sessions WHERE expires > ?",
            (self.clock(),),
        )
        return rows[0][0]

    def clear(self) -> None:
        self._run("DELETE FROM sessions")

    def items(self) -> dict[str, dict]:
        rows = self._run("SELECT key, data FROM sessions WHERE expires > ?", (self.clock(),))
        return {key: json.loads(data) for key, data in rows}

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _switch_to_wal(db: sqlite3.Connection, timeout: float) -> None:
    """Put the file in WAL mode (readers never block the writer), safely when processes race.

    The mode lives in the file, so only the first opener changes it. That change upgrades the
    pragma's own read lock to a write lock, and SQLite answers SQLITE_BUSY *at once*, without
    waiting out the busy timeout, when another connection is doing the same (waiting could
    deadlock). So the loser of that race retries here until the winner is done, which takes
    well under a millisecond; the first retry then finds the file in WAL mode already.
    """
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorname", "") != "SQLITE_BUSY" or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            continue
        if mode != "wal":  # e.g. a file system without shared memory
            raise sqlite3.OperationalError(f"SQLite would not use WAL mode for this file (got {mode!r})")
        return


class RedisStore(SessionStore):
    """Keys in a Redis server, expired by Redis itself (``SET … EX``): shared by machines.

    Redis keeps its own clock, so ``clock`` only matters to the other backends.
    """

    kind = "redis"

    def __init__(self, url: str = "redis://127.0.0.1:6379/0", prefix: str = "authlab:session:",
                 clock: Clock = time.time):
        import redis

        super().__init__(clock)
        self.url = url
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        try:
            self.client.ping()
        except redis.ConnectionError as error:
            raise ConnectionError(
                f"No Redis server answers at {url} ({error}). Start one with "
                f"authlab.redis_server.start_redis(), or use SQLiteStore instead."
            ) from None

    def save(self, key: str, data: dict, ttl: float) -> None:
        self.client.set(self.prefix + key, _encode(data), px=max(1, int(ttl * 1000)))

    def load(self, key: str) -> dict | None:
        value = self.client.get(self.prefix + key)
        return None if value is None else json.loads(value)

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)

    def _keys(self) -> list[bytes]:
        return list(self.client.scan_iter(match=self.prefix + "*", count=1000))

    def count(self) -> int:
        return len(self._keys())

    def bytes_used(self) -> int:
        """Redis's own ``MEMORY USAGE`` of each key, summed (includes its per-key overhead)."""
        keys = self._keys()
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.memory_usage(key, samples=0)
        return sum(size or 0 for size in pipe.execute())

    def clear(self) -> None:
        keys = self._keys()
        if keys:
            self.client.delete(*keys)

    def items(self) -> dict[str, dict]:
        keys = self._keys()
        values = self.client.mget(keys) if keys else []
        return {key.decode().removeprefix(self.prefix): json.loads(value)
                for key, value in zip(keys, values, strict=True) if value is not None}

    def close(self) -> None:
        self.client.close()


def open_store(url: str, clock: Clock = time.time) -> SessionStore:
    """A store from a URL: ``memory://``, ``sqlite:///path/to/file.db`` or ``redis://host:port/db``."""
    if url == "memory://":
        return MemoryStore(clock)
    if url.startswith("sqlite://"):
        return SQLiteStore(url.removeprefix("sqlite://").removeprefix("/") or ":memory:", clock)
    if url.startswith("redis://"):
        return RedisStore(url, clock=clock)
    raise ValueError(f"Unknown store URL {url!r}: use memory://, sqlite:///path.db or redis://host:port/db")
