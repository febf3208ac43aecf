"""Users sharing one host (a JupyterHub) must not reach each other's in-kernel servers."""

import os
import socket
import subprocess
import sys

import pytest
import requests
from flask import Flask

import authlab
from authlab.server import owner_only_default, peer_uid

NOBODY = 65534
needs_root = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0 or not os.path.exists("/proc/net/tcp"),
                                reason="needs root (to act as another user) and Linux's /proc/net/tcp")

_AS_NOBODY = """
import os, sys, urllib.request, urllib.error, encodings.idna  # import before losing access to /root
os.setgid({uid}); os.setuid({uid})
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code, error.read().decode().strip())
"""


def _get_as(uid: int, url: str) -> str:
    done = subprocess.run([sys.executable, "-c", _AS_NOBODY.format(uid=uid), url],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_peer_uid_of_own_connection():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert peer_uid(accepted) == os.getuid()
                client.close()


@needs_root
def test_owner_only_refuses_another_user(hello_app):
    server = authlab.serve(hello_app, owner_only=True)
    assert requests.get(server.url + "/").status_code == 200  # the owner
    assert _get_as(NOBODY, server.url + "/") == "403 This authlab server belongs to another user of this machine."
    assert [e.path for e in server.log] == ["/"]  # the refused request never reached the app


@needs_root
def test_without_owner_only_another_user_gets_in(hello_app):
    """The deliberately open configuration: what isolation prevents."""
    server = authlab.serve(hello_app, owner_only=False)
    assert _get_as(NOBODY, server.url + "/") == "200"


def test_owner_only_defaults(monkeypatch):
    monkeypatch.delenv("AUTHLAB_OWNER_ONLY", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert owner_only_default() is False
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    assert owner_only_default() is os.path.exists("/proc/net/tcp")
    monkeypatch.setenv("AUTHLAB_OWNER_ONLY", "0")
    assert owner_only_default() is False


def test_cookies_are_scoped_to_the_proxy_path():
    app = Flask("cookie-scope")

    @app.get("/login")
    def login():
        response = app.make_response("ok")
        response.set_cookie("sid", "1", httponly=True)
        response.set_cookie("pref", "2", path="/settings")
        response.headers.add("Set-Cookie", "bare=3")
        return response

    server = authlab.serve(app)
    proxied = requests.get(server.url + "/login", headers={"X-Forwarded-Prefix": "/user/alice/proxy/1234"})
    cookies = proxied.raw.headers.getlist("Set-Cookie")
    assert "sid=1; HttpOnly; Path=/user/alice/proxy/1234/" in cookies
    assert "pref=2; Path=/user/alice/proxy/1234/settings" in cookies
    assert "bare=3; Path=/user/alice/proxy/1234/" in cookies
    direct = requests.get(server.url + "/login")
    assert "sid=1; HttpOnly; Path=/" in direct.raw.headers.getlist("Set-Cookie")
