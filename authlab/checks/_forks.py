"""Run part of a check in a forked copy of this process: a fresh twin of the learner's app, thrown away after.

The child inherits everything the app holds at this moment (users, sessions, the state
of every random generator), may be changed freely (seeded, its clock frozen), reports a
JSON value through a pipe and ends with ``os._exit`` so no cleanup of the parent runs
twice. Its stdout and stderr go nowhere: a notebook kernel's streams are not the
child's to write.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import signal
import time
import warnings
from collections.abc import Callable

CHILD_TIMEOUT = 30.0


class ChildFailed(Exception):
    """The child raised: ``str()`` is its message; ``check_failed`` when it was a check's own failure."""

    def __init__(self, message: str, check_failed: bool):
        super().__init__(message)
        self.check_failed = check_failed


def in_fork(work: Callable[[], object], timeout: float = CHILD_TIMEOUT) -> object:
    """``work()`` run in a forked child; its JSON-able result, or ChildFailed / TimeoutError."""
    read, write = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "this process is multi-threaded, use of fork() may lead to deadlocks"
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read)
        _run_child(work, write)
    os.close(write)
    try:
        return _result(_read_all(read, timeout))
    finally:
        os.close(read)
        _reap(pid)


def _run_child(work: Callable[[], object], write: int) -> None:
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            result = {"value": work()}
    except BaseException as error:  # everything must reach the parent
        result = {"error": str(error) or type(error).__name__, "check_failed": isinstance(error, AssertionError)}
    try:
        data = json.dumps(result).encode()
    except (TypeError, ValueError) as error:
        data = json.dumps({"error": f"unreadable result: {error}", "check_failed": False}).encode()
    with contextlib.suppress(OSError):
        os.write(write, data)
    os._exit(0)


def _read_all(fd: int, timeout: float) -> bytes:
    chunks, deadline = [], time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(f"the forked copy of your app gave no answer within {timeout:.0f} s")
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _result(data: bytes) -> object:
    if not data:
        raise ChildFailed("the forked copy of your app ended without an answer", check_failed=False)
    result = json.loads(data)
    if "error" in result:
        raise ChildFailed(result["error"], result["check_failed"])
    return result["value"]


def _reap(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
