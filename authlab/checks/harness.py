"""The kernel's end of the channel: serve the lab's app and hooks to the checker, never judge anything.

In a graded run, ``python -m authlab.checks.harness`` is the sandbox's first process: it
sets the sandbox's resource limits, runs the student's notebook cells (the test cells
removed) in an IPython shell, then connects to the checker and answers its requests
until the checker is done. In JupyterLab a test cell starts the same harness on a thread
of the kernel for the checker process it launches.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import sys
import threading

from authlab.checks import kernel_side, tunnel
from authlab.checks.channel import Channel, Live, raised_in


class Harness:
    """The operations the checker may ask of the kernel."""

    def __init__(self, namespace: dict, hub_path: str | None = None, problems: list[str] | None = None):
        self.namespace = namespace
        self.hub_path = hub_path  # the checker's tunnel socket, when the kernel sits in a sandbox
        self.problems = problems or []
        self.finished = threading.Event()
        self._servers: dict[int, tuple] = {}
        self._ports: dict[int, socket.socket] = {}
        self._lock = threading.Lock()

    def handlers(self) -> dict:
        return {"lookup": self.lookup, "namespace": lambda: Live(self.namespace), "serve_app": self.serve_app,
                "crashes": self.crashes, "stop_app": self.stop_app, "dial": self.dial,
                "open_port": self.open_port, "problems": lambda: list(self.problems), "finish": self.finished.set,
                "enter": kernel_side.enter, "leave": kernel_side.leave}

    def lookup(self, name: str):
        if name not in self.namespace:
            raise NameError(f"name {name!r} is not defined")
        return Live(self.namespace[name])

    def serve_app(self, app) -> dict:
        import authlab

        crashes: list[list[str]] = []
        disconnect = _record_crashes(app, crashes)
        with self._lock:
            number = len(self._servers) + 1
            server = authlab.serve(app, name=f"check-{number}", show=False)
            self._servers[number] = (server, crashes, disconnect)
        return {"id": number, "port": server.port, "url": None if self.hub_path else server.url}

    def crashes(self, number: int) -> list[list[str]]:
        return list(self._servers[number][1])

    def stop_app(self, number: int) -> None:
        with self._lock:
            server, _, disconnect = self._servers.pop(number)
        server.stop()
        disconnect()

    def dial(self, token: str, port: int) -> None:
        tunnel.join_app(self.hub_path, token, port)

    def open_port(self, port: int) -> None:
        with self._lock:
            if port not in self._ports:
                self._ports[port] = tunnel.open_port(self.hub_path, port)

    def close(self) -> None:
        for number in list(self._servers):
            self.stop_app(number)
        for listener in self._ports.values():
            listener.close()


def _record_crashes(app, crashes: list[list[str]]):
    """Keep the app's crashes for the checker, and keep Flask's traceback log of them out of the cell's output."""
    try:
        from flask import got_request_exception
    except ImportError:
        return lambda: None

    def record(sender, exception, **extra):
        crashes.append([type(exception).__name__, str(exception)[:500], raised_in(exception)])

    logger = getattr(app, "logger", None)
    was_disabled = getattr(logger, "disabled", None)
    if was_disabled is not None:
        logger.disabled = True  # the check reports the crash in its ✘ block, in one line
    got_request_exception.connect(record, app, weak=False)

    def disconnect() -> None:
        got_request_exception.disconnect(record, app)
        if was_disabled is not None:
            logger.disabled = was_disabled

    return disconnect


# --- the sandbox's first process --------------------------------------------------------------


def _limit(cpu_seconds: int, memory_bytes: int, processes: int, file_bytes: int) -> None:
    """Hard limits, for this process and all it starts: none can raise them again."""
    for kind, value in ((resource.RLIMIT_CPU, cpu_seconds), (resource.RLIMIT_AS, memory_bytes),
                        (resource.RLIMIT_NPROC, processes), (resource.RLIMIT_FSIZE, file_bytes),
                        (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(kind, (value, value))


class _CellTimeout(KeyboardInterrupt):
    pass


def run_cells(cells: list[str], cell_timeout: int, progress: int | None = None) -> tuple[dict, list[str]]:
    """Run the cells in one IPython shell, each within ``cell_timeout`` seconds; the namespace and problems.

    Before each cell its number is written to the file descriptor ``progress``: the grader
    stops the sandbox when a cell outlasts its time and ignores the interrupt.
    """
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(history_length=0)
    problems = []

    def interrupt(signum, frame):
        raise _CellTimeout()

    for number, source in enumerate(cells, 1):
        if progress is not None:
            os.write(progress, f"{number}\n".encode())
        signal.signal(signal.SIGALRM, interrupt)
        signal.alarm(cell_timeout)
        try:
            result = shell.run_cell(source, store_history=False)
        finally:
            signal.alarm(0)
        error = result.error_in_exec or result.error_before_exec
        if isinstance(error, KeyboardInterrupt):
            problems.append(f"code cell {number} ran longer than {cell_timeout} s and was interrupted")
        elif error is not None:
            message = str(error).strip().splitlines()[:1]
            problems.append(f"code cell {number} raised {type(error).__name__}" + (f": {message[0][:200]}"
                                                                                 if message else ""))
    return shell.user_ns, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authlab.checks.harness")
    parser.add_argument("--cells", required=True, help="JSON list of the code cells to run")
    parser.add_argument("--channel", required=True, help="the checker's channel socket")
    parser.add_argument("--hub", required=True, help="the checker's tunnel socket")
    parser.add_argument("--cell-timeout", type=int, default=30)
    parser.add_argument("--limits", default="", help="cpu seconds,memory bytes,processes,file bytes")
    parser.add_argument("--progress-fd", type=int, help="where to write the number of each cell as it starts")
    options = parser.parse_args(argv)
    if options.limits:
        _limit(*(int(value) for value in options.limits.split(",")))
    with open(options.cells, encoding="utf-8") as file:
        cells = json.load(file)
    real_stdout = sys.stdout
    namespace, problems = run_cells(cells, options.cell_timeout, options.progress_fd)
    sys.stdout = real_stdout
    harness = Harness(namespace, options.hub, problems)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(options.channel)
    channel = Channel(sock, "kernel", guarded=False, handlers=harness.handlers())
    while not harness.finished.wait(0.5) and not channel.closed.is_set():
        pass
    os._exit(0)  # never run the student's atexit handlers or wait for its threads


if __name__ == "__main__":
    sys.exit(main())
