"""TCP connections across the sandbox's wall, through one Unix socket the checker listens on.

The sandbox has its own loopback network, so neither side can reach the other's ports.
Every crossing connection is opened from inside: the kernel connects to the checker's
tunnel socket and names what it wants in a first line, then bytes flow both ways.

- ``port N``: the kernel's process opened 127.0.0.1:N, a port the checker exposed (lab 4's
  stand-in servers, whose URLs the student's code is given).
- ``dial TOKEN``: the checker has a client waiting for the kernel's app; the kernel dialled
  its app's port and joins it to that client.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Callable

_CHUNK = 65536


def pump(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways between ``a`` and ``b`` on two threads; close both when either side ends."""

    def copy(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(_CHUNK):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    threads = [threading.Thread(target=copy, args=pair, daemon=True) for pair in ((a, b), (b, a))]
    for thread in threads:
        thread.start()

    def close_when_done() -> None:
        for thread in threads:
            thread.join()
        a.close()
        b.close()

    threading.Thread(target=close_when_done, daemon=True).start()


def _accept_forever(listener: socket.socket, handle: Callable[[socket.socket], None]) -> None:
    def loop() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(connection,), daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()


def _read_line(connection: socket.socket, limit: int = 200) -> str:
    data = b""
    while not data.endswith(b"\n") and len(data) < limit:
        chunk = connection.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode("ascii", "replace").strip()


class Hub:
    """The checker's end: one Unix socket that the kernel dials for every crossing connection."""

    def __init__(self, path: str):
        self.path = path
        self._exposed: set[int] = set()
        self._waiting: dict[str, socket.socket] = {}
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(path)
        os.chmod(path, 0o666)  # the sandbox runs as another user
        self._listener.listen(64)
        _accept_forever(self._listener, self._joined)

    def expose(self, port: int) -> None:
        """Let the kernel's connections to 127.0.0.1:``port`` reach the checker's server on that port."""
        with self._lock:
            self._exposed.add(port)

    def listen_for_app(self, dial: Callable[[str], None]) -> socket.socket:
        """A checker-side TCP listener whose every connection is joined to the kernel's app (``dial(token)``)."""
        listener = socket.create_server(("127.0.0.1", 0))

        def handle(client: socket.socket) -> None:
            token = secrets.token_hex(16)
            with self._lock:
                self._waiting[token] = client
            try:
                dial(token)
            except Exception:
                with self._lock:
                    self._waiting.pop(token, None)
                client.close()

        _accept_forever(listener, handle)
        return listener

    def _joined(self, connection: socket.socket) -> None:
        kind, _, value = _read_line(connection).partition(" ")
        with self._lock:
            client = self._waiting.pop(value, None) if kind == "dial" else None
            allowed = kind == "port" and value.isdigit() and int(value) in self._exposed
        if client is not None:
            pump(connection, client)
        elif allowed:
            try:
                pump(connection, socket.create_connection(("127.0.0.1", int(value)), timeout=5))
            except OSError:
                connection.close()
        else:
            connection.close()

    def close(self) -> None:
        self._listener.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _dial_hub(hub_path: str, line: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(hub_path)
    sock.sendall(line.encode("ascii") + b"\n")
    return sock


def join_app(hub_path: str, token: str, port: int) -> None:
    """Kernel side of ``dial``: connect the app's port inside the sandbox to the waiting client."""
    pump(socket.create_connection(("127.0.0.1", port), timeout=5), _dial_hub(hub_path, f"dial {token}"))


def open_port(hub_path: str, port: int) -> socket.socket:
    """Kernel side of ``port``: listen on 127.0.0.1:``port`` and carry each connection to the checker."""
    listener = socket.create_server(("127.0.0.1", port))

    def handle(connection: socket.socket) -> None:
        try:
            pump(connection, _dial_hub(hub_path, f"port {port}"))
        except OSError:
            connection.close()

    _accept_forever(listener, handle)
    return listener
