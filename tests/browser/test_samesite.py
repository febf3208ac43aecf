"""What Chromium does with SameSite, cookie prefixes and rfc6265bis' limits, as lessons 02 and 06 say.

Two sites on one machine: pages served from http://localhost:<port> are cross-site to http://127.0.0.1:<port>
(ports never count; a host name and an IP address are different sites). The "site" app sets the cookies and
records what comes back; the "other" app is the attacker's site, whose pages post, link, submit GET forms and
fetch to the site by themselves.
"""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from flask import Flask, make_response, request

import authlab

pytestmark = pytest.mark.browser

LAX_PLUS_POST_WINDOW = 120  # seconds: rfc6265bis' "Lax-allowing-unsafe", Chrome's "Lax+POST"


def _site_app() -> Flask:
    app = Flask("samesite-site")

    @app.get("/set")
    def set_cookies():
        response = make_response("<p>cookies set</p>")
        response.headers.add("Set-Cookie", "unmarked=1; Path=/; Max-Age=3600")  # no SameSite attribute
        response.headers.add("Set-Cookie", "lax=1; Path=/; Max-Age=3600; SameSite=Lax")
        response.headers.add("Set-Cookie", "strict=1; Path=/; Max-Age=3600; SameSite=Strict")
        return response

    @app.route("/echo", methods=["GET", "POST"])
    def echo():
        return {"method": request.method, "cookies": sorted(request.cookies)}

    return app


def _other_app() -> Flask:
    app = Flask("samesite-other")

    @app.get("/post")
    def post_form():
        return f"<form method=post action='{request.args['to']}'></form><script>document.forms[0].submit()</script>"

    @app.get("/get-form")
    def get_form():
        return (f"<form method=get action='{request.args['to']}'><input name=q value=1></form>"
                "<script>document.forms[0].submit()</script>")

    @app.get("/link")
    def link():
        return f"<a href='{request.args['to']}'>follow</a>"

    @app.get("/fetch")
    def fetch():
        return (f"<pre id=done></pre><script>fetch('{request.args['to']}', {{credentials: 'include', mode: 'no-cors'}})"
                ".then(() => { document.getElementById('done').textContent = 'done' })</script>")

    return app


@pytest.fixture
def sites():
    site = authlab.serve(_site_app(), show=False)
    other = authlab.serve(_other_app(), show=False)
    return site, site.url + "/echo", other.url.replace("127.0.0.1", "localhost")


def _arrived(page) -> dict:
    return json.loads(page.text_content("body"))


def test_cookie_without_samesite_is_not_sent_on_a_cross_site_subresource_request(page, sites):
    site, echo, other = sites
    page.goto(site.url + "/set")
    site.clear_log()
    page.goto(f"{other}/fetch?to={echo}")
    page.wait_for_selector("#done:has-text('done')")
    (fetched,) = [exchange for exchange in site.log if exchange.path == "/echo"]
    assert fetched.request_headers.get("Sec-Fetch-Site") == "cross-site"
    assert "Cookie" not in fetched.request_headers  # not unmarked (Lax by default), not lax, not strict


def test_cookie_without_samesite_and_lax_are_sent_on_a_cross_site_top_level_get(page, sites):
    site, echo, other = sites
    page.goto(site.url + "/set")
    page.goto(f"{other}/link?to={echo}")
    page.click("a")
    page.wait_for_url(echo)
    assert _arrived(page) == {"method": "GET", "cookies": ["lax", "unmarked"]}  # never strict


def test_lax_is_sent_on_another_sites_get_form_but_not_its_post(page, sites):
    site, echo, other = sites
    page.goto(site.url + "/set")
    page.goto(f"{other}/get-form?to={echo}")
    page.wait_for_url(echo + "?q=1")
    assert "lax" in _arrived(page)["cookies"]
    page.goto(f"{other}/post?to={echo}")
    page.wait_for_url(echo)
    arrived = _arrived(page)
    assert arrived["method"] == "POST" and "lax" not in arrived["cookies"] and "strict" not in arrived["cookies"]


def test_lax_plus_post_fresh_unmarked_cookie_rides_a_cross_site_post_then_not(launch_profile, sites, tmp_path):
    """Chrome's 2-minute exception: a cookie without SameSite, set under 2 minutes ago, is sent on a top-level
    cross-site POST. To see the other side without waiting, the profile's cookie database is aged by 3 minutes
    between two runs of the same Chromium profile."""
    site, echo, other = sites
    profile = tmp_path / "profile"
    context = launch_profile(profile)
    try:
        page = context.new_page()
        page.goto(site.url + "/set")
        page.goto(f"{other}/post?to={echo}")
        page.wait_for_url(echo)
        assert _arrived(page)["cookies"] == ["unmarked"]  # fresh: Lax+POST lets it through; Lax proper is held
    finally:
        context.close()

    microseconds = (LAX_PLUS_POST_WINDOW + 60) * 1_000_000
    with sqlite3.connect(profile / "Default" / "Cookies") as database:
        aged = database.execute("UPDATE cookies SET creation_utc = creation_utc - ? WHERE name = 'unmarked'",
                                (microseconds,)).rowcount
    assert aged == 1

    context = launch_profile(profile)
    try:
        page = context.new_page()
        page.goto(f"{other}/post?to={echo}")
        page.wait_for_url(echo)
        assert _arrived(page) == {"method": "POST", "cookies": []}  # 3 minutes old: plain Lax, held back
        page.goto(f"{other}/link?to={echo}")
        page.click("a")
        page.wait_for_url(echo)
        assert "unmarked" in _arrived(page)["cookies"]  # still there, still sent on a top-level GET
    finally:
        context.close()


# --- over HTTPS: Secure, prefixes, limits --------------------------------------------------------------------


def _prefix_app() -> Flask:
    app = Flask("prefix-site")

    @app.get("/set")
    def set_cookies():
        response = make_response("<p>cookies set</p>")
        for header in (
            "__Secure-ok=1; Secure; Path=/",
            "__Secure-bad=1; Path=/",  # no Secure
            "__Host-ok=1; Secure; Path=/",
            "__Host-bad=1; Secure; Path=/admin",  # Path is not /
            "__Http-ok=1; Secure; HttpOnly; Path=/",
            "__Http-bad=1; Secure; Path=/",  # no HttpOnly
            "__Host-Http-ok=1; Secure; HttpOnly; Path=/",
            "__Host-Http-bad=1; HttpOnly; Path=/",  # no Secure
            "big=" + "x" * (4096 - len("big")) + "; Path=/",  # name + value = 4096 octets: kept
            "toobig=" + "x" * (4097 - len("toobig")) + "; Path=/",  # 4097: ignored
            f"forever=1; Path=/; Max-Age={10 * 365 * 86400}",  # ten years asked
        ):
            response.headers.add("Set-Cookie", header)
        return response

    @app.get("/page")
    def page():
        return "<p>a page of the site</p>"

    return app


def test_prefixes_are_enforced_on_set_cookie_over_https(https_page):
    server = authlab.serve(_prefix_app(), show=False, https=True)
    https_page.goto(server.url + "/set")
    names = {cookie["name"] for cookie in https_page.context.cookies()}
    prefixed = {name for name in names if name.startswith("__")}
    assert prefixed == {"__Secure-ok", "__Host-ok", "__Http-ok", "__Host-Http-ok"}


def test_http_prefixes_cannot_be_set_by_page_script(https_page):
    server = authlab.serve(_prefix_app(), show=False, https=True)
    https_page.goto(server.url + "/page")
    seen = https_page.evaluate("""() => {
        document.cookie = "__Http-script=1; Secure; Path=/";
        document.cookie = "__Host-Http-script=1; Secure; Path=/";
        document.cookie = "__Host-script=1; Secure; Path=/";
        return document.cookie;
    }""")
    assert "__Host-script=1" in seen  # script may set a __Host- cookie ...
    assert "Http-script" not in seen  # ... but never an __Http- or __Host-Http- one
    assert not {c["name"] for c in https_page.context.cookies()} & {"__Http-script", "__Host-Http-script"}


def test_rfc6265bis_size_and_lifetime_limits(https_page):
    server = authlab.serve(_prefix_app(), show=False, https=True)
    https_page.goto(server.url + "/set")
    jar = {cookie["name"]: cookie for cookie in https_page.context.cookies()}
    assert "big" in jar and "toobig" not in jar
    days = (jar["forever"]["expires"] - time.time()) / 86400
    assert 399 < days <= 400


def test_httponly_cookie_still_rides_a_scripts_requests_and_a_readable_csrf_cookie_is_read(https_page):
    app = Flask("httponly-caveat")

    @app.get("/")
    def home():
        response = make_response("<p>signed in</p>")
        response.headers.add("Set-Cookie", "__Host-session=s3cr3t; Secure; HttpOnly; Path=/; SameSite=Strict")
        response.headers.add("Set-Cookie", "__Host-csrf=t0ken; Secure; Path=/; SameSite=Strict")
        return response

    @app.post("/transfer")
    def transfer():
        return {"session": request.cookies.get("__Host-session"), "csrf_header": request.headers.get("X-CSRF-Token")}

    server = authlab.serve(app, show=False, https=True)
    https_page.goto(server.url + "/")
    injected = https_page.evaluate("""async () => {
        const csrf = document.cookie.match(/__Host-csrf=([^;]+)/)[1];
        const answer = await fetch("/transfer", {method: "POST", headers: {"X-CSRF-Token": csrf}});
        return {visible: document.cookie, answer: await answer.json()};
    }""")
    assert "s3cr3t" not in injected["visible"]  # HttpOnly: the script cannot read the session ...
    assert injected["answer"] == {"session": "s3cr3t", "csrf_header": "t0ken"}  # ... but its request carries it
