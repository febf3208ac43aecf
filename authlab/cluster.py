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

Workers are forked by a *launcher*: one helper process per kernel that has imported Flask,
PyJWT and the course's apps once, so a worker starts in milliseconds rather than after a
second of imports. Starting a cluster under a name that is running replaces it, and every
process stops with ``.stop()``, at kernel exit, or when the kernel dies: the launcher
watches the kernel, the workers watch the launcher.
"""

from __future__ import annotations

import atexit
import collections
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

import psutil
import requests

from authlab._lifetime import die_with_parent
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
_PRELOAD = ("authlab.apps", "authlab.jwks", "authlab.stores", "authlab.server", "redis")
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def _one_signing_key() -> dict:
    from authlab.jwks import SigningKey

    return {"key": SigningKey()}


# Per-app state that each process would otherwise make for itself on start: the auth
# service's signing key (tokens signed by one process must verify with the key set of any).
SHARED_STATE: dict[str, Callable[[], dict]] = {APPS["auth"]: _one_signing_key}


class ClusterStartError(RuntimeError):
    """A worker process failed or stayed silent before it listened; the message says why."""


# --- parent side ------------------------------------------------------------------------


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
        _stop_processes(self.processes, grace)

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
    processes, ports = _launcher().fork(name, config, n, timeout)
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


def _stop_processes(processes: list[psutil.Process], grace: float) -> None:
    for process in processes:
        try:
            process.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=grace)
    for process in alive:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=grace)


class _Launcher:
    """The kernel's handle on the launcher process: asks it for workers, reads their ports."""

    def __init__(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        self.log = tempfile.TemporaryFile()  # the workers' stderr: tracebacks end up here
        # stdin stays open for the launcher's lifetime: its end of file means this process is gone.
        # A session of its own: Jupyter's interrupt button signals the kernel's whole process group.
        self.process = subprocess.Popen([sys.executable, "-m", "authlab.cluster"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, env=env, start_new_session=True)
        self._received = b""
        self._requests = itertools.count()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, name: str, config: bytes, n: int, timeout: float) -> tuple[list[psutil.Process], list[int]]:
        """Have the launcher fork ``n`` workers; wait until each listens, or stop them all."""
        ids = [next(self._requests) for _ in range(n)]
        try:
            for request_id in ids:
                self.process.stdin.write(pickle.dumps((request_id, config)))
            self.process.stdin.flush()
        except BrokenPipeError:
            raise self._exited(name) from None
        pids: dict[int, int] = {}
        ports: dict[int, int] = {}
        try:
            self._collect(name, ids, pids, ports, timeout)
        except BaseException:
            _stop_processes(_processes(pids.values()), grace=0.5)
            raise
        return _processes(pids[i] for i in ids), [ports[i] for i in ids]

    def _collect(self, name: str, ids: list[int], pids: dict, ports: dict, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while len(ports) < len(ids):
                left = deadline - time.monotonic()
                if left <= 0:
                    silent = [ids.index(i) for i in ids if i not in ports]
                    raise ClusterStartError(f"cluster {name!r}: worker(s) {silent} did not listen within "
                                            f"{timeout:.0f} s{self._last_log_line()}")
                if not selector.select(min(left, 0.5)):
                    if not self.alive:
                        raise self._exited(name)
                    continue
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    raise self._exited(name)
                self._received += chunk
                *lines, self._received = self._received.split(b"\n")
                for line in lines:
                    self._handle(name, ids, line.decode(errors="replace"), pids, ports)

    @staticmethod
    def _handle(name: str, ids: list[int], line: str, pids: dict, ports: dict) -> None:
        event, request_id, detail = (line.split(" ", 2) + ["", ""])[:3]
        if not request_id.isdigit() or int(request_id) not in ids:
            return  # an answer to an earlier start that timed out
        request_id = int(request_id)
        if event == "forked":
            pids[request_id] = int(detail)
        elif event == "ready":
            ports[request_id] = int(detail)
        elif event == "failed":
            raise ClusterStartError(f"cluster {name!r}, worker {ids.index(request_id)}: {detail}")

    def _exited(self, name: str) -> ClusterStartError:
        return ClusterStartError(f"cluster {name!r}: the launcher process exited (code {self.process.wait()})"
                                 f"{self._last_log_line()}")

    def _last_log_line(self) -> str:
        # pread: the workers write through the same file offset, so never move it
        size = os.fstat(self.log.fileno()).st_size
        tail = os.pread(self.log.fileno(), 4096, max(0, size - 4096)).decode(errors="replace")
        lines = tail.strip().splitlines()
        return f": {lines[-1]}" if lines else ""

    def stop(self) -> None:
        """Close the launcher's stdin and terminate it; it takes its workers with it."""
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.process.terminate()
        try:
            self.process.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.log.close()


def _processes(pids) -> list[psutil.Process]:
    found = []
    for pid in pids:
        try:
            found.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            pass
    return found


_launcher_handle: _Launcher | None = None
_launcher_lock = threading.Lock()


def _launcher() -> _Launcher:
    global _launcher_handle
    with _launcher_lock:
        if _launcher_handle is None or not _launcher_handle.alive:
            _launcher_handle = _Launcher()
        return _launcher_handle


def _stop_launcher() -> None:
    global _launcher_handle
    with _launcher_lock:
        if _launcher_handle is not None:
            _launcher_handle.stop()
            _launcher_handle = None


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
    _stop_launcher()


atexit.register(_at_exit)


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


# --- launcher and worker side -------------------------------------------------------


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


def _watch_parent(parent: int) -> None:
    """Every platform: a thread that ends this process within a second of ``parent``'s death."""

    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _say(*words: object) -> None:
    # One os.write per line: atomic on a pipe, and no stdio buffer to be copied by fork().
    os.write(1, (" ".join(map(str, words)).replace("\n", " ") + "\n").encode())


def _run_worker(request_id: int, config: bytes, launcher: int) -> None:
    """In a freshly forked child: build the app, listen, report the port, serve until killed."""
    from authlab.server import Server

    code = 0
    try:
        for signum in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        die_with_parent(launcher)
        _watch_parent(launcher)
        settings = pickle.loads(config)
        app = _Counting(build_app(settings["app"], settings["options"]))
        server = Server(app, f"{settings['name']}-{request_id}")
        _say("ready", request_id, server.port)
        os.dup2(2, 1)  # let go of the pipe to the kernel: later prints go to the log
        while True:
            signal.pause()
    except BaseException as error:  # reported to the kernel as one line; the traceback goes to the log
        import traceback

        traceback.print_exc()
        _say("failed", request_id, f"{type(error).__name__}: {error}".strip().splitlines()[0])
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)


def launcher_main() -> None:
    """The launcher: preload, then fork one worker per request read from stdin, until end of file.

    End of file comes when the kernel exits or dies. (Linux's parent-death signal is not used
    here: it fires when the *thread* that started the launcher ends, not the kernel.)
    """
    children: set[int] = set()

    def reap(*_):
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)

    def end(*_):
        # no reaping from here on: the handler would change `children` while this loop reads it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        os._exit(0)

    launcher = os.getpid()
    for module in _PRELOAD:
        importlib.import_module(module)
    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGTERM, end)
    while True:
        try:
            request_id, config = pickle.load(sys.stdin.buffer)
        except EOFError:
            end()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})  # reap only once it is recorded
        pid = os.fork()
        if pid == 0:
            _run_worker(request_id, config, launcher)
        children.add(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        _say("forked", request_id, pid)


if __name__ == "__main__":
    launcher_main()
