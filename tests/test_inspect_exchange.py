"""authlab.show_exchange on a real login with a redirect, served with authlab.serve."""

import pytest
import requests
from flask import Flask, Response, redirect, request, session

import authlab
from authlab.inspect import show_exchange


@pytest.fixture
def server():
    app = Flask("exchange-test")
    app.secret_key = "Zq8vN3xR5mT1wL7pK2bY9dF4gH6sJ0cQ"

    @app.post("/login")
    def login():
        session["user"] = request.form["user"]
        return redirect("/me")

    @app.get("/me")
    def me():
        return {"user": session.get("user"), "roles": ["reader"]}

    @app.get("/long")
    def long():
        return Response("y" * 10_000, headers={"X-Long": "v" * 1000})

    @app.get("/logo.png")
    def logo():
        return Response(b"\x89PNG\r\n\x1a\n" + bytes(100), mimetype="image/png")

    return authlab.serve(app, show=False)


def test_login_with_redirect_shows_both_hops(server):
    response = requests.post(server.url + "/login", data={"user": "alice", "password": "pw"},
                             headers={"Authorization": "Bearer t0ken"})
    view = show_exchange(response)
    login, me = view.hops
    assert login.request_line == "POST /login HTTP/1.1" and login.status_line == "HTTP/1.1 302 FOUND"
    assert login.request_body == "user=alice&password=pw"
    assert ("Location", "/me") in login.response_headers
    assert any(name == "Set-Cookie" and value.startswith("session=") for name, value in login.response_headers)
    assert me.request_line == "GET /me HTTP/1.1"
    assert dict(me.request_headers)["Cookie"].startswith("session=")
    assert me.response_body == '{\n  "roles": [\n    "reader"\n  ],\n  "user": "alice"\n}'


def test_cookies_and_authorization_are_highlighted(server):
    view = show_exchange(requests.post(server.url + "/login", data={"user": "alice"},
                                       headers={"Authorization": "Bearer t0ken"}))
    text = str(view)
    assert "< Set-Cookie: session=" in text and "← the server sets a cookie" in text
    assert "> Cookie: session=" in text and "← the client sends its cookies" in text
    assert "> Authorization: Bearer t0ken   ← credentials" in text
    assert text.startswith("── 1/2  POST ") and "\n── 2/2  GET " in text
    html = view._repr_html_()
    assert html.count('class="authlab-exchange-highlight"') == 4  # Authorization twice, Set-Cookie, Cookie
    assert "Bearer t0ken" in html  # nothing redacted


def test_long_values_are_cut_and_binary_is_described(server):
    view = show_exchange(requests.get(server.url + "/long"))
    body = view.hops[0].response_body
    assert body.endswith("… (10000 bytes in all)") and len(body) < 2100
    assert "X-Long: vvvv" in str(view) and "(1000 chars)" in str(view)
    assert "v" * 1000 not in str(view) and "v" * 1000 not in view._repr_html_()
    logo = show_exchange(requests.get(server.url + "/logo.png")).hops[0]
    assert logo.response_body == "(108 bytes of image/png)"


def test_not_a_response_is_explained():
    view = show_exchange("http://example.com")
    assert view.hops == [] and "needs a requests Response" in str(view) and "not str" in view._repr_html_()
    assert authlab.show_exchange is show_exchange
