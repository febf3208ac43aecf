"""A throwaway certificate authority for HTTPS on loopback: ``serve(app, https=True)``.

The CA is made in this process with trustme, on first use: its key never leaves memory,
no system trust store is touched, and it dies with the kernel. It signs one certificate
for 127.0.0.1 and localhost that every HTTPS server of the process presents. Clients
trust it through ``ca_bundle()``, a PEM file: ``requests.get(url, verify=server.ca_bundle)``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import ssl
import tempfile
import threading

HOSTS = ("127.0.0.1", "localhost")
HANDSHAKE_TIMEOUT = 10.0
_PLAIN_HTTP_TEXT = b"This authlab server speaks HTTPS: use an https:// URL (and verify=server.ca_bundle).\n"
_PLAIN_HTTP_REFUSAL = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_PLAIN_HTTP_TEXT), _PLAIN_HTTP_TEXT)
)

_lock = threading.Lock()
_made: tuple[ssl.SSLContext, str] | None = None


def _authority() -> tuple[ssl.SSLContext, str]:
    global _made
    with _lock:
        if _made is None:
            import trustme  # loaded only by lessons that use HTTPS

            ca = trustme.CA(organization_name="authlab throwaway loopback CA")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            ca.issue_cert(*HOSTS).configure_cert(context)
            directory = tempfile.mkdtemp(prefix="authlab-ca-")
            bundle = os.path.join(directory, "ca.pem")
            ca.cert_pem.write_to_path(bundle)
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            _made = context, bundle
        return _made


def server_context() -> ssl.SSLContext:
    """The server side: TLS 1.2 or later, the loopback certificate and its key."""
    return _authority()[0]


def ca_bundle() -> str:
    """Path of the CA certificate (PEM) that clients verify the servers against."""
    return _authority()[1]


def handshake(secured: ssl.SSLSocket) -> None:
    """The server side of the handshake on a socket wrapped with ``do_handshake_on_connect=False``.

    At most HANDSHAKE_TIMEOUT seconds; raises ``ssl.SSLError`` or ``OSError`` when it fails. A client
    that spoke plain http to the port gets a plain-text 400 saying so first, as nginx does.
    """
    try:
        secured.settimeout(HANDSHAKE_TIMEOUT)
        secured.do_handshake()
        secured.settimeout(None)
    except ssl.SSLError as error:
        if error.reason == "HTTP_REQUEST":
            socket.socket.sendall(secured, _PLAIN_HTTP_REFUSAL)  # below TLS: the client speaks none
            socket.socket.shutdown(secured, socket.SHUT_WR)
        raise
