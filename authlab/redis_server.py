"""Start a throwaway ``redis-server`` on loopback, for lessons and tests.

    with start_redis() as redis:      # raises RedisUnavailable when not installed
        store = RedisStore(redis.url)

The server keeps nothing on disk, binds 127.0.0.1 on a free port and stops with the
``with`` block, with ``.stop()``, or when the Python process exits.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import time

from authlab._lifetime import die_with_parent
from authlab.errors import AuthlabError


class RedisUnavailable(AuthlabError, RuntimeError):
    """redis-server is not installed or did not start."""


class RedisServer:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process = process
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        atexit.unregister(self.stop)

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.process.poll() is None else "stopped"
        return f"<redis-server {state} at {self.url}>"


def redis_available() -> bool:
    return shutil.which("redis-server") is not None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(timeout: float = 10.0) -> RedisServer:
    """Start redis-server on a free loopback port and wait until it answers PING."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisUnavailable(
            "redis-server is not installed (Debian/Ubuntu: apt-get install redis-server; "
            "Binder installs it from apt.txt). The SQLite store works without it."
        )
    last_error = ""
    for _ in range(3):  # another program may grab the port between probe and bind
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--protected-mode", "yes", "--loglevel", "warning"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            # its own session: a Jupyter interrupt (SIGINT to the kernel's group) must not stop it;
            # and it dies with the kernel even when the kernel is killed
            start_new_session=True, preexec_fn=functools.partial(die_with_parent, os.getpid()),
        )
        server = RedisServer(process, port)
        atexit.register(server.stop)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            answering = _answering_pid(port)
            if answering == process.pid:
                return server
            if answering is not None:  # another redis-server took the port first: ours cannot bind it
                break
            time.sleep(0.01)
        server.stop()
        last_error = process.stdout.read().decode(errors="replace").strip() if process.stdout else ""
    raise RedisUnavailable(f"redis-server did not start: {last_error or 'no answer to PING'}")


def _answering_pid(port: int) -> int | None:
    """The PID of the redis-server answering on ``port`` (from ``INFO server``), or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as connection:
            connection.sendall(b"INFO server\r\n")
            reply = b""
            while b"process_id:" not in reply or not reply.split(b"process_id:", 1)[1].count(b"\r\n"):
                chunk = connection.recv(4096)
                if not chunk:
                    return None
                reply += chunk
    except OSError:
        return None
    return int(reply.split(b"process_id:", 1)[1].split(b"\r\n", 1)[0])
