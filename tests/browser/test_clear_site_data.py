"""Logout in a real browser: Clear-Site-Data empties the site's cookies and storage (lesson 04).

And why the lesson keeps tokens out of localStorage: any script on the page reads it, as it reads
every cookie that is not HttpOnly.
"""

from __future__ import annotations

import pytest
from flask import Flask, make_response

import authlab

pytestmark = pytest.mark.browser


def _app() -> Flask:
    app = Flask("clear-site-data")

    @app.get("/")
    def home():
        response = make_response("<p>signed in</p><script>localStorage.setItem('access_token', 'eyJ.stolen.me')"
                                 "</script>")
        response.headers.add("Set-Cookie", "__Host-session=s3cr3t; Secure; HttpOnly; Path=/; SameSite=Lax")
        response.headers.add("Set-Cookie", "theme=dark; Secure; Path=/; SameSite=Lax")
        return response

    @app.post("/logout")
    def logout():
        response = make_response("", 204)
        response.headers["Clear-Site-Data"] = '"cookies", "storage"'
        return response

    return app


def test_script_reads_local_storage_but_not_the_httponly_cookie(https_page):
    server = authlab.serve(_app(), show=False, https=True)
    https_page.goto(server.url + "/")
    seen = https_page.evaluate("() => ({storage: localStorage.getItem('access_token'), cookies: document.cookie})")
    assert seen == {"storage": "eyJ.stolen.me", "cookies": "theme=dark"}


def test_clear_site_data_on_logout_empties_cookies_and_storage(https_page):
    server = authlab.serve(_app(), show=False, https=True)
    https_page.goto(server.url + "/")
    assert {cookie["name"] for cookie in https_page.context.cookies()} == {"__Host-session", "theme"}
    status = https_page.evaluate("() => fetch('/logout', {method: 'POST'}).then(answer => answer.status)")
    assert status == 204
    assert https_page.context.cookies() == []  # HttpOnly or not: all of this site's cookies are gone
    assert https_page.evaluate("() => localStorage.length") == 0
