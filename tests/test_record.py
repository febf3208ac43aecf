"""authlab.record: what a requests.Session exchanged, drawn as a sequence diagram."""

import datetime
import re
import secrets
import xml.etree.ElementTree as ET

import pytest
import requests
from flask import Flask, jsonify, redirect, request

import authlab

SVG = "{http://www.w3.org/2000/svg}"
TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"


@pytest.fixture
def store():
    return {}


@pytest.fixture
def server(store):
    app = Flask("record-test")

    @app.post("/login")
    def login():
        sid = secrets.token_urlsafe(32)
        store[sid] = {"username": (request.get_json(silent=True) or request.form)["username"]}
        response = jsonify(message="Logged in", token=TOKEN)
        response.set_cookie("sid", sid, httponly=True, samesite="Lax")
        response.set_cookie("theme", "dark", expires=4102444800, max_age=10**9, samesite="Strict")
        return response

    @app.get("/profile")
    def profile():
        session = store.get(request.cookies.get("sid", ""))
        return ({"user": session["username"]}, 200) if session else ({"error": "Not logged in"}, 401)

    @app.get("/old")
    def old():
        return redirect("/profile")

    @app.get("/authorize")
    def authorize():  # sends the browser back with a code, as an OpenID Provider does
        return redirect(f"/profile?code={secrets.token_urlsafe(32)}&state={request.args['state']}&iss=http%3A%2F%2Fop")

    @app.get("/page")
    def page():
        return "<p>a & b</p>"

    return authlab.serve(app, show=False)


def test_records_each_exchange_with_real_headers(server):
    with authlab.record() as rec:
        rec.session.post(server.url + "/login", json={"username": "alice", "password": "secret123"})
        rec.session.get(server.url + "/profile")
    login, profile = rec.steps
    assert (login.method, login.path, login.status) == ("POST", "/login", 200)
    set_cookies = [value for name, value in login.response_headers if name.lower() == "set-cookie"]
    assert [value.split("=", 1)[0] for value in set_cookies] == ["sid", "theme"]
    assert "Expires=" in set_cookies[1]
    sid = rec.session.cookies["sid"]
    assert profile.request_headers["Cookie"] == f"sid={sid}; theme=dark"
    assert profile.response_body.strip() == '{"user":"alice"}'


def test_text_diagram_shows_flow_shortened_values_and_masked_password(server):
    with authlab.record() as rec:
        rec.session.post(server.url + "/login", json={"username": "alice", "password": "secret123"})
        rec.session.get(server.url + "/profile")
    text = str(rec)
    sid = rec.session.cookies["sid"]
    assert text.splitlines()[0].split() == ["client", "record-test", f"(127.0.0.1:{server.port})"]
    assert "|--- POST /login " in text and "|<-- 200 OK " in text and "|--- GET /profile " in text
    assert f"Set-Cookie: sid={sid[:12]}…; HttpOnly; Path=/; SameSite=Lax" in text
    assert f"Cookie: sid={sid[:12]}…; theme=dark" in text
    assert '"token": "eyJhbGciOiJI…"' in text and TOKEN not in text
    assert '"password": "•••"' in text and "secret123" not in text
    assert sid not in text


def test_long_set_cookie_wraps_at_attributes_instead_of_losing_them(server):
    with authlab.record() as rec:
        rec.session.post(server.url + "/login", json={"username": "alice", "password": "x"})
        rec.session.cookies.clear()
        rec.session.get(server.url + "/profile")
    lines = str(rec).splitlines()
    theme = next(index for index, line in enumerate(lines) if "Set-Cookie: theme=dark" in line)
    assert lines[theme].rstrip(" |").endswith(";")
    assert "Path=/" in lines[theme + 1] and lines[theme + 1].split("|")[1].startswith("        ")
    assert '{"error": "Not logged in"}' in str(rec)  # prose is not shortened like a token


def test_long_urls_break_between_parameters_with_values_shortened(server):
    """An authorization request is wider than any output; its parameters wrap, values decoded and shortened."""
    state, challenge = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    query = {"response_type": "code", "client_id": "course-app", "redirect_uri": "http://127.0.0.1:5000/callback",
             "scope": "openid profile email", "state": state, "nonce": secrets.token_urlsafe(32),
             "code_challenge": challenge, "code_challenge_method": "S256"}
    with authlab.record() as rec:
        rec.session.get(server.url + "/authorize", params=query)
    text = str(rec)
    assert state not in text and challenge not in text and f"state={state[:12]}…" in text
    assert "scope=openid profile email" in text and "code_challenge_method=S256" in text
    assert "redirect_uri=http://127.0.0.1:5000/callback&" in text  # decoded, not http%3A%2F%2F…, and whole
    lines = text.splitlines()
    request = next(index for index, line in enumerate(lines) if "GET /authorize?" in line)
    assert "client_id=course-app& -" in lines[request] and lines[request + 1].split("|")[1].startswith("     ")
    location = next(line for line in lines if "Location: " in line)
    assert "/profile?code=" in location and "iss=http://op" in text
    assert max(map(len, lines)) <= 120, max(lines, key=len)
    assert float(_svg(rec).get("width")) <= 900  # drawn at its size, not shrunk to an unreadable strip


def test_form_passwords_are_masked(server):
    with authlab.record() as rec:
        rec.session.post(server.url + "/login", data={"username": "alice", "password": "secret123"})
    assert "username=alice&password=•••" in str(rec)


def test_authorization_header_is_shown_shortened(server):
    with authlab.record() as rec:
        rec.session.get(server.url + "/profile", headers={"Authorization": f"Bearer {TOKEN}"})
    assert "Authorization: Bearer eyJhbGciOiJI…" in str(rec)
    assert "|<-- 401 UNAUTHORIZED " in str(rec)


def test_state_is_a_snapshot_taken_after_each_response(server, store):
    with authlab.record(state=lambda: {"sessions": len(store)}) as rec:
        rec.session.get(server.url + "/profile")
        rec.session.post(server.url + "/login", json={"username": "alice", "password": "x"})
    assert [step.notes for step in rec.steps] == [('{"sessions": 0}',), ('{"sessions": 1}',)]
    assert '[{"sessions": 1}]' in str(rec)


def test_state_values_json_cannot_hold_are_shown_as_text(server):
    login_time = datetime.datetime(2025, 1, 2, 3, 4, 5)
    with authlab.record(state=lambda: {"loginTime": login_time}) as rec:
        rec.session.get(server.url + "/profile")
    assert rec.steps[0].notes == ('{"loginTime": "2025-01-02 03:04:05"}',)


def test_failing_state_is_a_note_not_an_exception(server):
    with authlab.record(state=lambda: 1 / 0) as rec:
        assert rec.session.get(server.url + "/profile").status_code == 401
    assert rec.steps[0].notes == ("state() failed: ZeroDivisionError: division by zero",)


def test_each_redirect_hop_is_a_step(server):
    with authlab.record() as rec:
        rec.session.get(server.url + "/old")
    assert [(step.path, step.status) for step in rec.steps] == [("/old", 302), ("/profile", 401)]
    assert "Location: /profile" in str(rec)


def test_one_column_per_server(server):
    other = Flask("record-other")
    other.get("/")(lambda: {"ok": True})
    second = authlab.serve(other, show=False)
    with authlab.record() as rec:
        rec.session.get(server.url + "/profile")
        rec.session.get(second.url + "/")
        rec.session.get(server.url + "/profile")
    header, *rows = str(rec).splitlines()
    assert [word for word in header.split() if not word.startswith("(")] == ["client", "record-test", "record-other"]
    arrow_to_second = next(row for row in rows if "GET / " in row)
    arrow_to_first = next(row for row in rows if "GET /profile" in row)
    assert arrow_to_second.rstrip().endswith("->|") and "->|" in arrow_to_first.rstrip()[:-1]


def test_wrapped_session_keeps_working_and_stops_recording(server):
    browser = requests.Session()
    rec = authlab.record(browser)
    browser.post(server.url + "/login", json={"username": "alice", "password": "x"})
    rec.stop()
    assert browser.get(server.url + "/profile").status_code == 200  # cookie jar intact
    assert len(rec.steps) == 1
    assert browser.hooks["response"] == []
    browser.close()


def test_streamed_response_is_not_consumed(server):
    with authlab.record() as rec:
        response = rec.session.get(server.url + "/page", stream=True)
        assert response.raw.read() == b"<p>a & b</p>"
    assert rec.steps[0].response_body == "(streamed)"


def test_svg_is_well_formed_escaped_and_marks_refusals(server):
    with authlab.record() as rec:
        rec.session.get(server.url + "/page")
        rec.note("then without a cookie: <refused>")
        rec.session.get(server.url + "/profile")
    svg = _svg(rec)
    texts = [element.text for element in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "<p>a & b</p>" in texts  # escaped in the markup, intact once parsed
    assert "# then without a cookie: <refused>" in texts
    lines = list(svg.iter("{http://www.w3.org/2000/svg}line"))
    assert any(line.get("marker-end") == "url(#authlab-refused)" for line in lines)


def _svg(rec) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*</svg>", rec._repr_html_(), re.S).group())


def test_svg_takes_its_colours_from_the_theme_and_fits(server, store):
    """No fixed colour that vanishes on JupyterLab Dark; names, labels and notes inside the drawing."""
    def state():
        return {sid[:8]: {"username": "alice", "roles": ["reader"] * 6} for sid in store}

    with authlab.record(state=state) as rec:
        rec.session.post(server.url + "/login", json={"username": "alice", "password": "x"})
        rec.session.get(server.url + "/profile")
    svg = _svg(rec)
    painted = [element for element in svg.iter() if element.get("style") and "fill" in element.get("style")]
    assert painted
    for element in svg.iter():
        assert element.get("fill") is None and element.get("stroke") is None, element.attrib
        colours = re.findall(r"(?:fill|stroke):([^;]+)", element.get("style", ""))
        assert all(colour.strip() == "none" or "var(--jp-" in colour for colour in colours), element.attrib
    width = float(svg.get("width"))
    assert svg.get("viewBox") == f"0 0 {svg.get('width')} {svg.get('height')}"
    assert "max-width:100%" in svg.get("style")  # shrinks to the output area instead of being cut off
    for rect in svg.iter(f"{SVG}rect"):
        assert 0 <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) <= width
    texts = [element for element in svg.iter(f"{SVG}text")]
    assert any(text.text.startswith('{"') for text in texts), "the server-side note is drawn"
    for text in texts:  # a start-anchored line ends inside the drawing (12 px monospace: 7.3 px a character)
        if text.get("text-anchor") == "start":
            assert float(text.get("x")) + len(text.text) * 7.3 <= width, text.text


def test_empty_recording_says_so():
    with authlab.record() as rec:
        pass
    assert str(rec) == "(nothing recorded)"
    assert "nothing recorded" in rec._repr_html_()
    assert "0 exchange(s)" in repr(rec)
