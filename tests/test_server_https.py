"""serve(app, https=True): real TLS from a throwaway CA, Secure and __Host- cookies over it."""

import socket
import threading

import pytest
import requests
from flask import Flask, make_response, request

import authlab


@pytest.fixture
def cookie_app():
    app = Flask("https-test")

    @app.get("/login")
    def login():
        response = make_response("signed in")
        response.set_cookie("__Host-sid", "s3cr3t", secure=True, httponly=True, samesite="Lax", path="/")
        return response

    @app.get("/whoami")
    def whoami():
        return {"scheme": request.scheme, "cookies": dict(request.cookies)}

    return app


def test_https_server_is_verified_against_its_ca_bundle(cookie_app):
    server = authlab.serve(cookie_app, https=True)
    assert server.url.startswith("https://127.0.0.1:")
    answer = requests.get(server.url + "/whoami", verify=server.ca_bundle)
    assert answer.json() == {"scheme": "https", "cookies": {}}
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.url + "/whoami")  # the system's trust store does not know the throwaway CA


def test_certificate_covers_127_0_0_1_and_localhost(cookie_app):
    server = authlab.serve(cookie_app, https=True)
    for host in ("127.0.0.1", "localhost"):
        url = f"https://{host}:{server.port}/whoami"
        assert requests.get(url, verify=server.ca_bundle).json()["scheme"] == "https"


def test_secure_host_cookie_round_trip_and_held_back_over_plain_http(cookie_app):
    secure = authlab.serve(cookie_app, https=True)
    plain = authlab.serve(cookie_app, name="plain-twin")  # same host, other port: cookies ignore ports
    browser = requests.Session()  # verify= per request: REQUESTS_CA_BUNDLE would override Session.verify
    browser.get(secure.url + "/login", verify=secure.ca_bundle)
    assert browser.cookies["__Host-sid"] == "s3cr3t"
    assert browser.get(secure.url + "/whoami", verify=secure.ca_bundle).json()["cookies"] == {"__Host-sid": "s3cr3t"}
    assert browser.get(plain.url + "/whoami").json() == {"scheme": "http", "cookies": {}}


def test_plain_http_to_the_https_port_gets_a_clear_400(cookie_app):
    server = authlab.serve(cookie_app, https=True)
    answer = requests.get(server.url.replace("https://", "http://") + "/whoami", timeout=10)
    assert answer.status_code == 400 and "speaks HTTPS" in answer.text


def test_silent_client_delays_neither_others_nor_stop(cookie_app, capsys):
    server = authlab.serve(cookie_app, https=True)
    silent = socket.create_connection(("127.0.0.1", server.port))  # connects, never says hello
    try:
        assert requests.get(server.url + "/whoami", verify=server.ca_bundle, timeout=10).ok
        server.stop()
    finally:
        silent.close()
    assert "still running" not in capsys.readouterr().out  # the handshake thread ended with its socket
    assert not [t for t in threading.enumerate() if t.name.startswith("authlab-https-test")]


def test_open_tls_keep_alive_connection_closes_on_stop(cookie_app):
    server = authlab.serve(cookie_app, https=True)
    browser = requests.Session()
    assert browser.get(server.url + "/whoami", verify=server.ca_bundle).ok
    server.stop()
    assert not server.running
    assert not [t for t in threading.enumerate() if t.name.startswith("authlab-https-test")]
    with pytest.raises(requests.ConnectionError):
        browser.get(server.url + "/whoami", verify=server.ca_bundle, timeout=2)


def test_https_servers_have_no_proxy_link(cookie_app, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    assert authlab.serve(cookie_app, name="plain-twin").proxy_url is not None
    assert authlab.serve(cookie_app, https=True).proxy_url is None  # the proxy speaks http to the port
