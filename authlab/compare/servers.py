"""Start the three reference servers for a comparison: in this process (threads) or one process each.

Both ways serve the same apps (``authlab.apps``) with ``authlab.serve`` on 127.0.0.1 and hand
back a ``Target`` per approach. In-process servers share the client's interpreter (and its
GIL), so their round trips include that contention; ``processes`` gives each server its own
interpreter, as a deployment would. Every server and process is stopped when the ``with``
block ends, and on interpreter exit as a last resort.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator

import requests
from flask import Flask

from authlab import apps
from authlab.client import log_in
from authlab.compare.errors import CompareError
from authlab.redis_server import RedisUnavailable, start_redis
from authlab.server import serve
from authlab.stores import open_store
from authlab.users import DEMO_USERS, Users
from authlab.webapp import AuthState, state_of

APPROACHES = ("session", "jwt-header", "jwt-cookie")
STORES = ("memory", "sqlite", "redis")
MODES = ("threads", "processes")
START_TIMEOUT = 30.0


@dataclasses.dataclass(frozen=True)
class Target:
    """One server to measure: a label, its base URL, and how a client logs in to it."""

    name: str
    url: str
    login: Callable[[requests.Session, str], requests.Response] = log_in
    state: AuthState | None = None  # the app's store and denylist, when it runs in this process


def _demo_user() -> Users:
    """The one user a comparison logs in as (fewer password hashes to compute at start)."""
    return Users({"alice": DEMO_USERS["alice"]})


def build_app(kind: str, store_url: str = "memory://", users: Users | None = None) -> Flask:
    """The reference app of one approach; the session app keeps its sessions in ``store_url``."""
    users = users or _demo_user()
    if kind == "session":
        return apps.session_app(open_store(store_url), users=users, name="compare-session")
    if kind == "jwt-header":
        return apps.jwt_header_app(users=users, name="compare-jwt-header")
    if kind == "jwt-cookie":
        return apps.jwt_cookie_app(users=users, name="compare-jwt-cookie")
    raise CompareError(f"unknown approach {kind!r}: choose from {', '.join(APPROACHES)}")


@contextlib.contextmanager
def session_store_url(kind: str) -> Iterator[str]:
    """A store URL for the session app that every server process can reach, removed afterwards."""
    if kind == "memory":
        yield "memory://"
    elif kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="authlab-compare-") as folder:
            yield f"sqlite:///{folder}/sessions.db"
    elif kind == "redis":
        try:
            redis = start_redis()
        except RedisUnavailable as error:
            raise CompareError(f"--store redis: {error}") from None
        with redis:
            yield redis.url
    else:
        raise CompareError(f"unknown store {kind!r}: choose from {', '.join(STORES)}")


@contextlib.contextmanager
def reference_servers(kinds=APPROACHES, mode: str = "threads", store_url: str = "memory://") -> Iterator[list[Target]]:
    """Run the reference app of each approach in ``kinds`` and yield a Target for each."""
    if mode == "threads":
        users = _demo_user()  # password hashing is slow on purpose: hash once for all three apps
        servers = [serve(build_app(kind, store_url, users), name=f"compare-{kind}", show=False) for kind in kinds]
        try:
            yield [Target(kind, server.url, state=state_of(server.app))
                   for kind, server in zip(kinds, servers, strict=True)]
        finally:
            for server in servers:
                server.stop()
    elif mode == "processes":
        with contextlib.ExitStack() as stack:
            workers = [stack.enter_context(WorkerProcess(kind, store_url)) for kind in kinds]
            yield [Target(worker.kind, worker.wait_for_url()) for worker in workers]
    else:
        raise CompareError(f"unknown mode {mode!r}: choose from {', '.join(MODES)}")


class WorkerProcess:
    """A reference server in its own Python process (``python -m authlab.compare.worker``).

    The worker prints its port, then serves until its stdin closes, so it also ends when this
    process dies without cleaning up.
    """

    def __init__(self, kind: str, store_url: str):
        self.kind = kind
        self.process = subprocess.Popen(
            [sys.executable, "-m", "authlab.compare.worker", "--kind", kind, "--store", store_url],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        atexit.register(self.stop)

    def wait_for_url(self, timeout: float = START_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                    line = self.process.stdout.readline()
                    if line.startswith("PORT "):
                        return f"http://127.0.0.1:{int(line.split()[1])}"
                    break  # end of output: the worker died
        if self.process.poll() is None:
            self.process.kill()
        _, errors = self.process.communicate()
        self.stop()
        reason = (errors or "").strip().splitlines()
        detail = reason[-1] if reason else f"no port announced within {timeout:.0f} s"
        raise CompareError(f"the {self.kind} server process did not start: {detail}")

    def stop(self) -> None:
        atexit.unregister(self.stop)
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()  # the worker's signal to stop
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            with contextlib.suppress(OSError):
                stream.close()

    def __enter__(self) -> WorkerProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
