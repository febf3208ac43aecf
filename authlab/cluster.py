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
(authlab.jwks), or any "module:function". Keyword options reach the factory pickled over
the worker's stdin (a pipe only this process can write), so a ``Users`` object hashed once
can serve every worker. The options ``store`` and ``denylist`` are store URLs (see
authlab.stores.open_store) that each process opens for itself.

Starting a cluster under a name that is running replaces it, and every process stops with
``.stop()``, at kernel exit, or when the kernel dies (each worker watches its parent).
"""

from __future__ import annotations

import argparse
import atexit
import collections
import ctypes
import importlib
import itertools
import json
import os
import pickle
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from authlab.redis_server import RedisServer, start_redis

__all__ = ["APPS", "Cluster", "ClusterStartError", "RoundRobin", "redis", "running", "served_by", "start",
           "stop_all", "time_requests"]

APPS = {
    "session": "authlab.apps:session_app",
    "auth": "authlab.jwks:auth_service",
    "resource": "authlab.jwks:resource_service",
}
STORE_OPTIONS = ("store", "denylist")
PID_HEADER = "X-Authlab-Pid"
COUNTS_PATH = "/_authlab/requests"
START_TIMEOUT = 20.0
STOP_GRACE = 2.0
_READY = "authlab-worker ready "
_FAILED = "authlab-worker failed "
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


class ClusterStartError(RuntimeError):
    """A worker process exited or stayed silent before it listened; the message says why."""


# --- parent side ------------------------------------------------------------------------


class Cluster:
    """N running worker processes of one app: ``.urls``, ``.pids``, ``.client()``, ``.stop()``."""

    def __init__(self, name: str, app: str, processes: list[subprocess.Popen], ports: list[int], logs: list):
        self.name = name
        self.app = app
        self.processes = processes
        self.ports = ports
        self.urls = [f"http://127.0.0.1:{port}" for port in ports]
        self._logs = logs

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    @property
    def running(self) -> bool:
        return all(process.poll() is None for process in self.processes)

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
        """Terminate every process, kill those still alive after ``grace`` seconds, reap all."""
        with _registry_lock:
            if _registry.get(self.name) is self:
                del _registry[self.name]
        _stop_processes(self.processes, grace)
        for log in self._logs:
            log.close()
        self._logs = []

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
    config = _pickled({"app": spec, "options": options, "parent": os.getpid()})
    name = name or app
    with _registry_lock:
        previous = _registry.pop(name, None)
    if previous is not None:
        previous.stop()
    processes, logs = [], []
    try:
        for index in range(n):
            log = tempfile.TemporaryFile()
            logs.append(log)
            processes.append(_spawn(name, index, config, log))
        ports = _wait_until_listening(name, processes, logs, timeout)
    except BaseException:
        _stop_processes(processes, grace=0.5)
        for log in logs:
            log.close()
        raise
    cluster = Cluster(name, app, processes, ports, logs)
    with _registry_lock:
        _registry[name] = cluster
    return cluster


def _pickled(config: dict) -> bytes:
    try:
        return pickle.dumps(config)
    except Exception as error:
        raise TypeError(f"Cannot send these options to a worker process ({error}): pass plain values, "
                        f"store URLs or other picklable objects") from None


def _spawn(name: str, index: int, config: bytes, log) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [sys.executable, "-m", "authlab.cluster", "--name", name, "--index", str(index)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env,
    )
    # The config travels on stdin, never on the command line; stdin then stays open:
    # the worker takes its closing (this process is gone) as the order to stop.
    process.stdin.write(config)
    process.stdin.flush()
    return process


def _wait_until_listening(name: str, processes: list[subprocess.Popen], logs: list, timeout: float) -> list[int]:
    ports: dict[int, int] = {}
    buffers = {index: b"" for index in range(len(processes))}
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for index, process in enumerate(processes):
            selector.register(process.stdout, selectors.EVENT_READ, index)
        while len(ports) < len(processes):
            left = deadline - time.monotonic()
            if left <= 0:
                silent = [i for i in range(len(processes)) if i not in ports]
                raise ClusterStartError(f"cluster {name!r}: worker(s) {silent} did not listen within "
                                        f"{timeout:.0f} s{_last_line(logs[silent[0]])}")
            for key, _ in selector.select(left):
                index = key.data
                chunk = os.read(key.fileobj.fileno(), 4096)
                buffers[index] += chunk
                port = _handshake(name, index, buffers[index], chunk, processes[index], logs[index])
                if port is not None:
                    ports[index] = port
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
    return [ports[index] for index in range(len(processes))]


def _handshake(name: str, index: int, received: bytes, chunk: bytes, process: subprocess.Popen, log) -> int | None:
    """The port once the worker said it listens; raises if it failed or exited; None: not yet."""
    for line in received.decode(errors="replace").splitlines(keepends=True):
        if line.startswith(_READY) and line.endswith("\n"):
            return int(line[len(_READY):])
        if line.startswith(_FAILED) and line.endswith("\n"):
            raise ClusterStartError(f"cluster {name!r}, worker {index}: {line[len(_FAILED):].strip()}")
    if not chunk:
        try:
            process.wait(1)
        except subprocess.TimeoutExpired:
            pass
        raise ClusterStartError(f"cluster {name!r}, worker {index} exited with code {process.returncode} "
                                f"before listening{_last_line(log)}")
    return None


def _last_line(log) -> str:
    log.seek(0)
    lines = log.read().decode(errors="replace").strip().splitlines()
    return f": {lines[-1]}" if lines else ""


def _stop_processes(processes: list[subprocess.Popen], grace: float) -> None:
    for process in processes:
        for pipe in (process.stdin, process.stdout):
            if pipe is not None and not pipe.closed:
                try:
                    pipe.close()
                except OSError:  # broken pipe: the worker is already gone
                    pass
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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


atexit.register(stop_all)


# --- the client -----------------------------------------------------------------------


class RoundRobin(requests.Session):
    """A requests.Session that sends each request to the next server in turn.

    Paths starting with "/" go to the servers in rotation, as through a load balancer;
    full URLs are left alone. Cookies and headers (``Authorization``) are kept across
    servers, as a browser behind one host name would. Requests time out after
    ``timeout`` seconds unless the call says otherwise.
    """

    def __init__(self, urls: list[str], timeout: float = 10.0):
        super().__init__()
        if not urls:
            raise ValueError("RoundRobin needs at least one server URL")
        self.urls = list(urls)
        self.timeout = timeout
        self._turns = itertools.count()

    def next_url(self) -> str:
        return self.urls[next(self._turns) % len(self.urls)]

    def request(self, method: str, url: str, *args, **kwargs) -> requests.Response:
        if url.startswith("/"):
            url = self.next_url() + url
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def served_by(response: requests.Response) -> int | None:
    """The PID of the worker process that answered ``response``."""
    pid = response.headers.get(PID_HEADER)
    return int(pid) if pid else None


def time_requests(client: requests.Session, path: str = "/profile", count: int = 100,
                  method: str = "GET", expect: int = 200) -> list[float]:
    """Milliseconds each of ``count`` requests took; every answer must have status ``expect``."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.request(method, path)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            raise AssertionError(f"{method} {path} answered {response.status_code}, not {expect}: "
                                 f"{response.text[:120]}")
    return samples


# --- worker side ----------------------------------------------------------------------


class _Counting:
    """WSGI middleware: adds the worker's PID to every response and counts requests per path."""

    def __init__(self, app):
        self.app = app
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.pid = str(os.getpid())

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == COUNTS_PATH:
            with self.lock:
                body = json.dumps(dict(self.counts)).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                      (PID_HEADER, self.pid)])
            return [body]
        with self.lock:
            self.counts[path] += 1

        def with_pid(status, headers, exc_info=None):
            return start_response(status, [*headers, (PID_HEADER, self.pid)], exc_info)

        return self.app(environ, with_pid)


def build_app(spec: str, options: dict[str, Any]):
    """Import ``module:function`` and call it with ``options``, opening store URLs first."""
    from authlab.stores import open_store

    module_name, _, function_name = spec.partition(":")
    factory: Callable = getattr(importlib.import_module(module_name), function_name)
    options = {key: open_store(value) if key in STORE_OPTIONS and isinstance(value, str) else value
               for key, value in options.items()}
    return factory(**options)


def _die_with_parent(parent: int) -> None:
    """Linux: have the kernel send SIGTERM when the parent dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # it died before prctl took effect
        sys.exit(0)


def _wait_for_parent(stopping: threading.Event) -> None:
    """Every platform: the parent holds our stdin open; end of file means it is gone."""
    try:
        sys.stdin.buffer.read()
    finally:
        stopping.set()


def worker_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m authlab.cluster",
                                     description="One worker of an authlab cluster (reads its config on stdin).")
    parser.add_argument("--name", default="worker", help="the cluster's name (shown in ps)")
    parser.add_argument("--index", type=int, default=0, help="this worker's place in the cluster")
    options = parser.parse_args(argv)
    config = pickle.load(sys.stdin.buffer)
    _die_with_parent(config.get("parent", os.getppid()))
    from authlab.server import Server

    try:
        server = Server(_Counting(build_app(config["app"], config.get("options", {}))),
                        f"{options.name}-{options.index}")
    except Exception as error:  # reported to the parent as one line
        message = f"{type(error).__name__}: {error}".strip().splitlines()[0]
        print(_FAILED + message, flush=True)
        return 1
    print(f"{_READY}{server.port}", flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # later prints must not fill the closed pipe
    stopping = threading.Event()
    threading.Thread(target=_wait_for_parent, args=(stopping,), name="parent-watch", daemon=True).start()
    stopping.wait()
    server.stop(timeout=1.0)
    return 0


if __name__ == "__main__":
    sys.exit(worker_main(sys.argv[1:]))
