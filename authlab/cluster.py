"""Run one app in several server processes on loopback, and spread requests across them.

Threads in one kernel share memory, so they would hide the very problem a shared session
store solves. A cluster is N real processes, each with its own memory and PID:

    sessions = start("session", n=2, name="sessions", store="sqlite:////tmp/s.db")
    sessions.urls                     # ['http://127.0.0.1:41001', 'http://127.0.0.1:41002']
    client = sessions.client()        # a requests.Session that round-robins, like a load balancer
    client.post("/login", json=...)   # answered by the first process
    client.get("/profile")            # answered by the second
    sessions.stop()

``app`` names a factory: "session" (authlab.apps.session_app), "auth" and "resource"
(authlab.jwks), or any "module:function". Keyword options reach the factory pickled over a
pipe only this process can write, so a ``Users`` object hashed once can serve every worker.
The options ``store`` and ``denylist`` are store URLs (see authlab.stores.open_store) that
each process opens for itself.

Workers are forked by a *launcher* (authlab.launcher): one helper process per kernel that has imported Flask,
PyJWT and the course's apps once, so a worker starts in milliseconds rather than after a
second of imports. Starting a cluster under a name that is running replaces it, and every
process stops with ``.stop()``, at kernel exit, or when the kernel dies: the launcher
watches the kernel, the workers watch the launcher.
"""

from __future__ import annotations

import atexit
import collections
import pickle
import threading
from collections.abc import Callable
from typing import Any

import psutil
import requests

from authlab.balancer import RoundRobin, served_by, time_requests
from authlab.launcher import COUNTS_PATH, STOP_GRACE, ClusterStartError, launcher, stop_launcher, stop_processes
from authlab.redis_server import RedisServer, start_redis

__all__ = ["APPS", "Cluster", "ClusterStartError", "RoundRobin", "redis", "running", "served_by", "start",
           "stop_all", "time_requests"]

APPS = {
    "session": "authlab.apps:session_app",
    "auth": "authlab.jwks:auth_service",
    "resource": "authlab.jwks:resource_service",
}
START_TIMEOUT = 20.0


def _one_signing_key() -> dict:
    from authlab.jwks import SigningKey

    return {"key": SigningKey()}


# Per-app state that each process would otherwise make for itself on start: the auth
# service's signing key (tokens signed by one process must verify with the key set of any).
SHARED_STATE: dict[str, Callable[[], dict]] = {APPS["auth"]: _one_signing_key}


class Cluster:
    """N running worker processes of one app: ``.urls``, ``.pids``, ``.client()``, ``.stop()``."""

    def __init__(self, name: str, app: str, processes: list[psutil.Process], ports: list[int]):
        self.name = name
        self.app = app
        self.processes = processes
        self.ports = ports
        self.urls = [f"http://127.0.0.1:{port}" for port in ports]

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    @property
    def running(self) -> bool:
        return all(_alive(process) for process in self.processes)

    def client(self) -> RoundRobin:
        """A fresh round-robin client over this cluster's processes."""
        return RoundRobin(self.urls)

    def request_counts(self) -> dict[str, int]:
        """Requests answered per path, summed over every process (this query not counted)."""
        total: collections.Counter[str] = collections.Counter()
        for url in self.urls:
            total.update(requests.get(url + COUNTS_PATH, timeout=5).json())
        return dict(total)

    def stop(self, grace: float = STOP_GRACE) -> None:
        """Terminate every process, kill those still alive after ``grace`` seconds."""
        with _registry_lock:
            if _registry.get(self.name) is self:
                del _registry[self.name]
        stop_processes(self.processes, grace)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        workers = ", ".join(f"pid {pid} at {url}" for pid, url in zip(self.pids, self.urls, strict=True))
        return f"<authlab cluster {self.name!r} ({self.app}, {len(self.processes)} processes) {state}: {workers}>"


def start(app: str, n: int = 2, *, name: str | None = None, timeout: float = START_TIMEOUT,
          **options: Any) -> Cluster:
    """Start ``n`` processes serving ``app`` on 127.0.0.1 and wait until each listens.

    The processes start in parallel. A cluster already running under ``name`` (default:
    ``app``) is stopped first, so re-running a notebook cell replaces it.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    spec = APPS.get(app, app)
    if ":" not in spec:
        raise ValueError(f"Unknown app {app!r}: use one of {', '.join(APPS)} or 'module:function'")
    name = name or app
    if n > 1 and spec in SHARED_STATE:  # made once here, so that every process holds the same copy
        options = {**SHARED_STATE[spec](), **options}
    config = _pickled({"app": spec, "options": options, "name": name})
    with _registry_lock:
        previous = _registry.pop(name, None)
    if previous is not None:
        previous.stop()
    processes, ports = launcher().fork(name, config, n, timeout)
    cluster = Cluster(name, app, processes, ports)
    with _registry_lock:
        _registry[name] = cluster
    return cluster


def _pickled(config: dict) -> bytes:
    try:
        return pickle.dumps(config)
    except Exception as error:
        raise TypeError(f"Cannot send these options to a worker process ({error}): pass plain values, "
                        f"store URLs or other picklable objects") from None


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


_registry: dict[str, Cluster | RedisServer] = {}
_registry_lock = threading.Lock()


def redis(name: str = "redis") -> RedisServer:
    """Start a throwaway redis-server that stops with the clusters; re-running replaces it.

    Raises authlab.redis_server.RedisUnavailable when redis-server is not installed.
    """
    with _registry_lock:
        previous = _registry.pop(name, None)
    if previous is not None:
        previous.stop()
    server = start_redis()
    with _registry_lock:
        _registry[name] = server
    return server


def running() -> dict[str, Cluster | RedisServer]:
    """The clusters (and redis-servers) this process started, by name."""
    return dict(_registry)


def stop_all() -> None:
    """Stop every cluster and redis-server this process started."""
    with _registry_lock:
        started = list(_registry.items())
        _registry.clear()
    for _, item in started:
        item.stop()


def _at_exit() -> None:
    stop_all()
    stop_launcher()


atexit.register(_at_exit)
