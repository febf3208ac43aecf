"""The fork launcher: one helper process per kernel that has imported the course's apps once and
forks worker processes on request, so a worker starts in milliseconds rather than after a second
of imports.

Parent side: ``launcher()`` starts (or reuses) it, ``Launcher.fork`` asks for workers and waits
until each listens, ``current()`` is the running one (or None), ``stop_launcher()`` ends it.
Launcher side (``python -m authlab.launcher``): read pickled requests from stdin until end of
file, fork one worker per request; each worker builds its app, listens on 127.0.0.1 and
reports ``ready <id> <port>``. The launcher watches the kernel (stdin), the workers watch the
launcher.
"""

from __future__ import annotations

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

from authlab._lifetime import die_with_parent
from authlab.errors import AuthlabError

__all__ = ["ClusterStartError", "Launcher", "current", "launcher", "stop_launcher", "stop_processes"]

STORE_OPTIONS = ("store", "denylist")
PID_HEADER = "X-Authlab-Pid"
COUNTS_PATH = "/_authlab/requests"
STOP_GRACE = 2.0
_PRELOAD = ("authlab.apps", "authlab.jwks", "authlab.stores", "authlab.server", "redis")
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


class ClusterStartError(AuthlabError, RuntimeError):
    """A worker process failed or stayed silent before it listened; the message says why."""


# --- parent side ------------------------------------------------------------------------


def stop_processes(processes: list[psutil.Process], grace: float) -> None:
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


class Launcher:
    """The kernel's handle on the launcher process: asks it for workers, reads their ports."""

    def __init__(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_PACKAGE_ROOT, env.get("PYTHONPATH")]))
        self.log = tempfile.TemporaryFile()  # the workers' stderr: tracebacks end up here
        # stdin stays open for the launcher's lifetime: its end of file means this process is gone.
        # A session of its own: Jupyter's interrupt button signals the kernel's whole process group.
        self.process = subprocess.Popen([sys.executable, "-m", "authlab.launcher"], stdin=subprocess.PIPE,
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
            stop_processes(_processes(pids.values()), grace=0.5)
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


_launcher_handle: Launcher | None = None
_launcher_lock = threading.Lock()


def launcher() -> Launcher:
    global _launcher_handle
    with _launcher_lock:
        if _launcher_handle is None or not _launcher_handle.alive:
            _launcher_handle = Launcher()
        return _launcher_handle


def stop_launcher() -> None:
    global _launcher_handle
    with _launcher_lock:
        if _launcher_handle is not None:
            _launcher_handle.stop()
            _launcher_handle = None


def current() -> Launcher | None:
    """The running launcher of this process, or None."""
    handle = _launcher_handle
    return handle if handle is not None and handle.alive else None


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
