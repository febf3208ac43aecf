"""Run WSGI apps (Flask or any other) in a background thread of the learner's kernel.

``serve(app)`` binds 127.0.0.1 on a free port and answers at once. Re-running the
cell that started a server replaces it (servers are keyed by name), stopping takes
milliseconds, and every server stops when the kernel exits. ``serve(app, https=True)``
speaks TLS with a certificate from this process's throwaway CA (authlab.tls).
"""

from __future__ import annotations

import atexit
import collections
import dataclasses
import errno
import glob
import html
import importlib.util
import json
import os
import random
import selectors
import socket
import socketserver
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

from authlab import tls
from authlab.errors import AuthlabError

HOST = "127.0.0.1"
LOG_SIZE = 1000
_JOIN_TIMEOUT = 2.0
_PROC_NET_TCP = "/proc/net/tcp"
_REFUSAL = (
    b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
    b"This authlab server belongs to another user of this machine.\n"
)

__all__ = ["PortInUseError", "Exchange", "Server", "serve", "running", "stop_all"]


class PortInUseError(AuthlabError, OSError):
    """The requested port is already bound by another program or server."""

    def __init__(self, port: int):
        super().__init__(
            errno.EADDRINUSE,
            f"Port {port} on {HOST} is already in use. Stop whatever holds it "
            f"(authlab.running() lists this kernel's servers), or leave out port= "
            f"to get a free one.",
        )
        self.port = port

    def __str__(self) -> str:
        return self.strerror


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request the server answered, as it crossed the wire."""

    method: str
    path: str
    status: int
    request_headers: dict[str, str]
    response_headers: list[tuple[str, str]]
    elapsed_ms: float

    @property
    def cookies_set(self) -> list[str]:
        """Names of the cookies this response set (or cleared)."""
        return [
            value.split("=", 1)[0].strip()
            for name, value in self.response_headers
            if name.lower() == "set-cookie"
        ]

    def __str__(self) -> str:
        line = f"{self.method} {self.path} -> {self.status} ({self.elapsed_ms:.1f} ms)"
        if self.cookies_set:
            line += "  set-cookie: " + ", ".join(self.cookies_set)
        return line


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without its per-request stderr line; the Server keeps a log."""

    def log_request(self, code="-", size="-") -> None:
        pass


class _WSGIServer(socketserver.ThreadingMixIn, BaseWSGIServer):
    """Werkzeug's threaded server with a stop that never waits for a poll interval.

    The accept loop sleeps in select() on the listening socket and a wake-up socket,
    so stop() is noticed at once. Open keep-alive connections are tracked and shut
    down on stop, so no handler thread outlives its server. With an ``ssl_context`` each
    connection's TLS handshake runs in its own thread (never in the accept loop), so a
    client that connects and stays silent delays neither other clients nor stop().
    """

    multithread = True
    daemon_threads = True

    def __init__(self, app, sock: socket.socket, thread_prefix: str, owner_only: bool,
                 ssl_context: ssl.SSLContext | None = None):
        super().__init__(HOST, sock.getsockname()[1], app, handler=_QuietHandler, fd=sock.fileno())
        sock.close()  # werkzeug works on a duplicate of the descriptor
        self.ssl_context = ssl_context  # werkzeug's handler then says wsgi.url_scheme "https"
        self._thread_prefix = thread_prefix
        self._owner_only = owner_only
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._handler_threads: list[threading.Thread] = []  # also those past their socket's last use, for stop()
        self._closing = False
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()

    def serve_until_stopped(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is self._wake_r:
                        return
                    self._handle_request_noblock()

    def verify_request(self, request, client_address) -> bool:
        """With ``owner_only``, answer only connections made by this process's own user."""
        if not self._owner_only or peer_uid(request) == os.getuid():
            return True
        try:
            request.sendall(_REFUSAL)
        except OSError:
            pass
        return False

    def process_request(self, request, client_address) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name=f"{self._thread_prefix}-connection",
            daemon=True,
        )
        with self._lock:
            self._connections[request] = thread
            self._handler_threads = [*(each for each in self._handler_threads if each.is_alive()), thread]
        thread.start()

    def _serve_connection(self, request, client_address) -> None:
        try:
            if self.ssl_context is not None:
                request = self._handshake(request)
            self.finish_request(request, client_address)
        except (ssl.SSLError, TimeoutError, ConnectionError):
            pass  # a failed handshake (a plain-http client, an untrusting one): nothing to answer
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self._lock:
                self._connections.pop(request, None)
            self.shutdown_request(request)

    def _handshake(self, raw: socket.socket) -> ssl.SSLSocket:
        with self._lock:
            if self._closing:
                raise ConnectionAbortedError
            secured = self.ssl_context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
            self._connections[secured] = self._connections.pop(raw)
        try:
            tls.handshake(secured)
        except OSError:  # ssl.SSLError included
            with self._lock:
                self._connections.pop(secured, None)
            socket.socket.close(secured)
            raise
        return secured

    def wake(self) -> None:
        self._wake_w.send(b"x")

    def close_everything(self, timeout: float) -> list[threading.Thread]:
        """Close the listener and every open connection; return threads still busy."""
        self.server_close()
        self._wake_r.close()
        self._wake_w.close()
        with self._lock:
            self._closing = True
            connections = list(self._connections)
            threads = list(self._handler_threads)
        for conn in connections:
            try:  # the plain socket's shutdown, also for TLS ones: it leaves their state to their thread
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [thread for thread in threads if thread.is_alive()]


class _Recorder:
    """WSGI middleware that records each exchange into the server's log."""

    def __init__(self, app, server: Server):
        self.app = app
        self.server = server

    def __call__(self, environ, start_response):
        started = time.perf_counter()

        def recording_start_response(status, headers, exc_info=None):
            prefix = environ.get("HTTP_X_FORWARDED_PREFIX")
            if prefix:
                headers = _scope_cookies(headers, prefix)
            exchange = Exchange(
                method=environ.get("REQUEST_METHOD", ""),
                path=environ.get("PATH_INFO", "") + _query(environ),
                status=int(status.split(" ", 1)[0]),
                request_headers=_request_headers(environ),
                response_headers=list(headers),
                elapsed_ms=(time.perf_counter() - started) * 1000,
            )
            self.server._record(exchange)
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        return self.app(environ, recording_start_response)


def _scope_cookies(headers: list[tuple[str, str]], prefix: str) -> list[tuple[str, str]]:
    """Behind jupyter-server-proxy, move ``Path=/…`` cookies under this server's proxy path.

    Every server proxied by one JupyterHub shares the hub's host name, so a cookie with
    ``Path=/`` would be sent to every other user's proxied servers too.
    """
    prefix = "/" + prefix.strip("/")
    scoped = []
    for name, value in headers:
        if name.lower() == "set-cookie":
            parts = [part.strip() for part in value.split(";")]
            paths = [i for i, part in enumerate(parts) if part.lower().startswith("path=")]
            if paths:
                path = parts[paths[0]][5:] or "/"
                if not path.startswith(prefix):
                    parts[paths[0]] = "Path=" + prefix + path
            else:
                parts.append(f"Path={prefix}/")
            value = "; ".join(parts)
        scoped.append((name, value))
    return scoped


def _query(environ) -> str:
    query = environ.get("QUERY_STRING", "")
    return f"?{query}" if query else ""


def _request_headers(environ) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    return headers


class Server:
    """A running in-kernel server: ``.url``, ``.stop()``, ``.log``; a context manager.

    An HTTPS server also has ``.ca_bundle``, the CA file its clients verify it against.
    """

    def __init__(self, app, name: str, port: int = 0, log: bool = False, owner_only: bool | None = None,
                 https: bool = False):
        self.app = app
        self.name = name
        self.https = https
        self.ca_bundle: str | None = tls.ca_bundle() if https else None
        self.print_requests = log
        self.owner_only = owner_only_default() if owner_only is None else owner_only
        self.log: collections.deque[Exchange] = collections.deque(maxlen=LOG_SIZE)
        self._log_lock = threading.Lock()
        self._wsgi = _WSGIServer(_Recorder(app, self), _bind(port), f"authlab-{name}", self.owner_only,
                                 tls.server_context() if https else None)
        self.port: int = self._wsgi.port
        self.url = f"{'https' if https else 'http'}://{HOST}:{self.port}"
        self._thread = threading.Thread(
            target=self._wsgi.serve_until_stopped, name=f"authlab-{name}", daemon=True
        )
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def proxy_url(self) -> str | None:
        """The link through jupyter-server-proxy, for the learner's own browser.

        None for HTTPS servers: the proxy's ``/proxy/<port>/`` speaks plain http to the port.
        """
        prefix = None if self.https else _proxy_prefix()
        return f"{prefix}{self.port}/" if prefix else None

    def stop(self, timeout: float = _JOIN_TIMEOUT) -> None:
        """Stop accepting, close open connections and wait for handler threads."""
        with _registry_lock:
            if _registry.get(self.name) is self:
                del _registry[self.name]
        if not self._thread.is_alive():
            return
        self._wsgi.wake()
        self._thread.join(timeout)
        stuck = self._wsgi.close_everything(timeout)
        if stuck:
            print(
                f"authlab: server {self.name!r} stopped, but {len(stuck)} request(s) were still "
                f"running after {timeout:.0f} s (does a view loop forever?)."
            )

    def clear_log(self) -> None:
        with self._log_lock:
            self.log.clear()

    def _record(self, exchange: Exchange) -> None:
        with self._log_lock:
            self.log.append(exchange)
        if self.print_requests:
            print(f"[{self.name}] {exchange}")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        text = f"<authlab server {self.name!r} {state} at {self.url}/"
        if self.proxy_url:
            text += f", in your browser: {self.proxy_url}"
        return text + ">"

    def _repr_html_(self) -> str:
        state = "running" if self.running else "stopped"
        link = self.proxy_url or f"{self.url}/"
        return (
            f"<code>{html.escape(self.name)}</code> {state} at "
            f'<a href="{html.escape(link)}" target="_blank">{html.escape(link)}</a>'
            f" <small>(from Python: <code>{html.escape(self.url)}</code>{self._tls_note()})</small>"
        )

    def _tls_note(self) -> str:
        if not self.https:
            return ""
        return f", verify=<code>{html.escape(self.ca_bundle)}</code>: a CA your browser does not trust"


SERVER_PORTS = range(20000, 32768)  # below the ephemeral ranges of Linux (32768-60999) and macOS (49152-65535)


def server_ports() -> list[int]:
    """Where ``port=0`` servers listen: outside the ephemeral range, from which Jupyter takes kernels' ports.

    A kernel's client dials the five ports it was given while the kernel is still starting; a server that took one
    of them (binding port 0 draws from the same range) gets ZeroMQ greetings, which Werkzeug logs as
    ``code 400, Bad request syntax ('\\xff\\x00...')``, and the kernel loses that channel.
    """
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ephemeral:
            first, last = map(int, ephemeral.read().split())
    except (OSError, ValueError):
        first, last = 49152, 65535
    return [port for port in SERVER_PORTS if not first <= port <= last]


def _bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        if port:
            sock.bind((HOST, port))
        else:
            _bind_server_port(sock)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(port) from None
        raise
    return sock


def _bind_server_port(sock: socket.socket) -> None:
    ports = server_ports()
    for port in random.sample(ports, min(len(ports), 64)):
        try:
            sock.bind((HOST, port))
            return
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
    raise OSError(errno.EADDRNOTAVAIL, f"no free port for a server among {HOST}:{SERVER_PORTS.start}-"
                                       f"{SERVER_PORTS.stop - 1} outside the ephemeral range")


def owner_only_default() -> bool:
    """Refuse other users' connections where users share 127.0.0.1 (a JupyterHub on one host).

    On by default under JupyterHub (``JUPYTERHUB_USER`` is set), off elsewhere;
    ``AUTHLAB_OWNER_ONLY=1`` or ``0`` decides explicitly. Needs Linux's /proc/net/tcp.
    """
    setting = os.environ.get("AUTHLAB_OWNER_ONLY")
    wanted = setting not in ("0", "false", "no") if setting is not None else "JUPYTERHUB_USER" in os.environ
    return wanted and os.path.exists(_PROC_NET_TCP)


def peer_uid(connection: socket.socket) -> int | None:
    """The user ID owning the other end of a loopback TCP connection (Linux), else None.

    The client's socket is listed in /proc/net/tcp with our address as its remote end,
    together with the UID of the process that opened it.
    """
    try:
        wanted = (_proc_address(*connection.getpeername()), _proc_address(*connection.getsockname()))
        with open(_PROC_NET_TCP) as table:
            next(table)
            for line in table:
                fields = line.split()
                if (fields[1], fields[2]) == wanted:
                    return int(fields[7])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _proc_address(ip: str, port: int) -> str:
    return f"{int.from_bytes(socket.inet_aton(ip), sys.byteorder):08X}:{port:04X}"


def _proxy_prefix() -> str | None:
    """``<base_url>proxy/`` when a Jupyter server with jupyter-server-proxy hosts us."""
    if importlib.util.find_spec("jupyter_server_proxy") is None:
        return None
    hub_prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if hub_prefix:
        return hub_prefix.rstrip("/") + "/proxy/"
    server = _hosting_jupyter_server()
    return server.get("base_url", "/").rstrip("/") + "/proxy/" if server else None


def _hosting_jupyter_server() -> dict | None:
    """The info file of the Jupyter server that launched this kernel (it is our JPY_PARENT_PID).

    Read straight from the runtime directory: importing jupyter_server would cost seconds.
    """
    parent = os.environ.get("JPY_PARENT_PID")
    if not parent or not _in_kernel():
        return None
    from jupyter_core.paths import jupyter_runtime_dir

    for path in glob.glob(os.path.join(jupyter_runtime_dir(), "jpserver-*.json")):
        try:
            with open(path) as file:
                info = json.load(file)
        except (OSError, ValueError):
            continue
        if str(info.get("pid")) == parent:
            return info
    return None


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


_registry: dict[str, Server] = {}
_registry_lock = threading.RLock()  # reentrant: serve() stops the previous server while holding it


def serve(
    app: Callable[[dict, Callable], Iterable[bytes]],
    name: str | None = None,
    port: int = 0,
    *,
    log: bool = False,
    show: bool = True,
    owner_only: bool | None = None,
    https: bool = False,
) -> Server:
    """Start ``app`` on 127.0.0.1 in a background thread and return its handle.

    ``name`` defaults to the Flask app's name; starting another server with the same
    name stops the old one first, so re-running a cell never fails with "address
    already in use". ``port=0`` (the default) takes a free port. ``log=True`` prints
    a line per request; ``server.log`` keeps them either way. ``owner_only`` refuses
    connections from other users of this machine (default: on under JupyterHub).
    ``https=True`` serves TLS for 127.0.0.1 and localhost; clients verify it with
    ``verify=server.ca_bundle``.
    """
    name = name or getattr(app, "name", None) or "server"
    with _registry_lock:
        previous = _registry.pop(name, None)
        if previous is not None:
            previous.stop()
        server = Server(app, name, port, log=log, owner_only=owner_only, https=https)
        _registry[name] = server
    if show and _in_kernel():
        from IPython.display import display

        display(server)
    return server


def running() -> dict[str, Server]:
    """The servers this kernel is running, by name."""
    return dict(_registry)


def stop_all() -> None:
    """Stop every server this kernel started."""
    with _registry_lock:
        servers = list(_registry.values())
    for server in servers:
        server.stop()


atexit.register(stop_all)
