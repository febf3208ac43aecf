"""authlab.inspect_cookies on real Set-Cookie headers from a Flask app served with authlab.serve."""

import datetime as dt

import pytest
import requests
from flask import Flask, make_response, redirect, request, session

import authlab
from authlab.inspect import Status, encode, inspect_cookies

SECRET = "9cQ2vR7xLp4mZt8wNk3bY6dF1gH5sJ0q"  # 32 characters, not in the wordlist


def make_app(secret_key=SECRET):
    app = Flask("cookie-test")
    app.secret_key = secret_key

    @app.post("/login")
    def login():
        session["user"] = request.form.get("user", "alice")
        session["notes"] = request.form.get("notes", "")
        return redirect("/flags")

    @app.get("/flags")
    def flags():
        response = make_response({"ok": True})
        response.set_cookie("__Host-good", "1", secure=True, httponly=True, samesite="Lax", path="/")
        response.set_cookie("__Host-bad", "1", secure=True, domain="example.com", samesite="Lax")
        response.set_cookie("__Secure-plain", "1", samesite="Lax")
        response.set_cookie("embed", "1", samesite="None", httponly=True)
        response.set_cookie("remember_token", "r", max_age=90 * 24 * 3600, httponly=True, samesite="Lax")
        response.set_cookie("sid", "s", samesite="Strict", secure=True)
        response.set_cookie("theme", "dark", samesite="Lax", secure=True)
        response.headers.add("Set-Cookie", "big=" + "x" * 5000 + "; Secure; SameSite=Lax")  # set_cookie warns
        response.set_cookie("jwt", encode({}, {"sub": "alice"}, SECRET).token, httponly=True, samesite="Lax")
        response.delete_cookie("old")
        return response

    return app


@pytest.fixture
def login_response():
    server = authlab.serve(make_app(), show=False)
    return requests.post(server.url + "/login", data={"user": "alice"})


def test_every_set_cookie_of_every_hop_is_kept_apart(login_response):
    report = inspect_cookies(login_response)
    assert report.names == ["session", "__Host-good", "__Host-bad", "__Secure-plain", "embed", "remember_token",
                            "sid", "theme", "big", "jwt", "old"]
    assert report["session"].source.startswith("302 POST http://127.0.0.1:")
    assert report["theme"].source.startswith("200 GET ") and report["theme"].source.endswith("/flags")


def test_flags_what_is_missing(login_response):
    report = inspect_cookies(login_response)

    def codes(name):
        return {finding.code for finding in report[name].findings}

    assert codes("__Host-good") == set()
    assert "host-prefix" in codes("__Host-bad") and "Domain" in str(report["__Host-bad"].findings[-1])
    assert "secure-prefix" in codes("__Secure-plain")
    assert "samesite-none-insecure" in codes("embed")
    assert "long-lifetime" in codes("remember_token")
    assert "no-httponly" in codes("sid")
    assert "no-httponly" not in codes("theme")  # not a session cookie
    assert "too-big" in codes("big")
    assert {"no-samesite", "no-secure", "readable"} <= codes("session")
    assert "no-httponly" not in codes("session")  # Flask sets HttpOnly on its session cookie
    assert report["old"].kind == "deletion" and codes("old") == set()


def test_each_attribute_is_explained(login_response):
    good = inspect_cookies(login_response)["__Host-good"]
    text = "\n".join(good.explanations)
    for fragment in ("Secure: sent only over HTTPS", "HttpOnly: page JavaScript", "SameSite=Lax: sent when",
                     "Path=/", "no Expires or Max-Age: a session cookie", "no Domain: host-only"):
        assert fragment in text


def test_flask_session_is_decoded_and_verified(login_response):
    unchecked = inspect_cookies(login_response)["session"]
    assert unchecked.kind == "flask-session"
    assert unchecked.contents == {"user": "alice", "notes": ""}
    assert unchecked.status is Status.CANNOT_VERIFY
    assert inspect_cookies(login_response, secret_key=SECRET)["session"].status is Status.VERIFIED
    wrong = inspect_cookies(login_response, secret_key="another-secret-of-thirty-two-byte")["session"]
    assert wrong.status is Status.INVALID_SIGNATURE and wrong.contents == {"user": "alice", "notes": ""}


def test_tampered_flask_session_is_invalid(login_response):
    value = inspect_cookies(login_response)["session"].value
    payload, timestamp, signature = value.split(".")
    forged_payload = encode({}, {"user": "admin", "notes": ""}, SECRET).token.split(".")[1]
    forged = inspect_cookies(f"session={forged_payload}.{timestamp}.{signature}", secret_key=SECRET)["session"]
    assert forged.contents == {"user": "admin", "notes": ""}
    assert forged.status is Status.INVALID_SIGNATURE


def test_compressed_flask_session():
    server = authlab.serve(make_app(), show=False)
    response = requests.post(server.url + "/login", data={"user": "bob", "notes": "n" * 500})
    cookie = inspect_cookies(response, secret_key=SECRET)["session"]
    assert cookie.value.startswith(".")  # Flask compressed it
    assert cookie.contents["notes"] == "n" * 500 and cookie.status is Status.VERIFIED
    assert "zlib-compressed" in cookie.verdict


def test_weak_flask_secret_is_flagged():
    server = authlab.serve(make_app("keyboard cat"), show=False)
    response = requests.post(server.url + "/login")
    cookie = inspect_cookies(response, secret_key="keyboard cat")["session"]
    assert cookie.status is Status.VERIFIED and "weak-secret" in {f.code for f in cookie.findings}


def test_jwt_in_a_cookie_is_shown(login_response):
    cookie = inspect_cookies(login_response)["jwt"]
    assert cookie.kind == "jwt" and cookie.contents == {"sub": "alice"}


def test_cookie_jar():
    server = authlab.serve(make_app(), show=False)
    client = requests.Session()
    client.post(server.url + "/login")
    report = inspect_cookies(client.cookies)
    assert {"session", "theme", "jwt"} <= set(report.names)
    assert "HttpOnly" in report["session"].attributes and report["theme"].attributes["SameSite"] == "Lax"
    assert "no-httponly" not in {f.code for f in report["session"].findings}


def test_server_log_entry():
    server = authlab.serve(make_app(), show=False)
    requests.post(server.url + "/login")
    assert inspect_cookies(server.log[0]).names == ["session"]


def test_header_text_one_per_line_or_comma_joined():
    now = dt.datetime(2015, 10, 1, tzinfo=dt.UTC)
    joined = "a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/, b=2; HttpOnly"
    assert inspect_cookies(joined, now=now).names == ["a", "b"]
    assert inspect_cookies("Set-Cookie: a=1\nSet-Cookie: b=2").names == ["a", "b"]
    assert inspect_cookies(["a=1", "b=2"]).names == ["a", "b"]
    assert inspect_cookies(joined, now=now)["a"].lifetime == pytest.approx(20 * 86400 + 7 * 3600 + 28 * 60)


def test_samesite_oddities():
    assert "bad-samesite" in inspect_cookies("a=1; SameSite=Sometimes").warning_codes
    report = inspect_cookies("sessionid=1; Max-Age=172800; Secure; HttpOnly; SameSite=Strict")
    assert report.warning_codes == {"long-lifetime"}  # a session cookie living two days


@pytest.mark.parametrize(("source", "fragment"), [
    (42, "not int"),
    ("no equals sign here", "starts with name=value"),
    ("=value", "no name"),
    ("a=" + "x" * 70_000, "64 KiB"),
])
def test_bad_input_is_listed_not_raised(source, fragment):
    report = inspect_cookies(source)
    assert report.cookies == [] and fragment in report.problems[0]
    assert fragment in str(report) and report._repr_html_()


def test_unreadable_flask_looking_cookie():
    cookie = inspect_cookies("session=" + "A" * 20 + ".abc.ABCDEFGHIJKLMNOPQRSTUVWXYZa")["session"]
    assert cookie.status is Status.MALFORMED and "cannot be read" in cookie.verdict


def test_representations(login_response):
    report = inspect_cookies(login_response, secret_key=SECRET)
    html = report._repr_html_()
    assert 'class="authlab-cookies"' in html and "signature verified" in html and "&quot;alice&quot;" in html
    assert "<script>" not in inspect_cookies("x=<script>")._repr_html_()
    text = str(report)
    assert "session = " in text and "! session: no SameSite" in text
    assert authlab.inspect_cookies is inspect_cookies
    with pytest.raises(KeyError, match="no cookie named 'nope'"):
        report["nope"]
