"""Lesson 09's sign-in in real Chromium: through the real redirects, provider and client on different sites.

The provider runs at http://127.0.0.1:P and the relying parties at http://localhost:Q (another *site*, not
only another origin), so every step crosses sites as "Log in with…" does on the web: the redirect to the
provider, its sign-in form, the redirect back to the client's callback (which must still get the client's
SameSite=Lax login cookie), and RP-initiated logout. Then the backend-for-frontend's HttpOnly cookie is
compared with a page that keeps its tokens in localStorage: script reads the one and not the other.
"""

from __future__ import annotations

import json

import pytest

import authlab
from authlab import oidc
from authlab.browser_demo import other_site_url
from authlab.oidc import vulnerable

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser


@pytest.fixture
def provider():
    app = oidc.provider_app(clients=[])
    with authlab.serve(app, name="browser-test-op", show=False) as server:
        yield app, server


def serve_client(op_app, op_server, factory, client_id: str, name: str) -> str:
    """Serve a relying party, register it under its localhost URL; return that URL."""
    client = authlab.serve(factory(oidc.Provider(op_server.url, client_id, "secret-" + client_id)), name=name,
                           show=False)
    url = other_site_url(client.url)
    op_app.register(oidc.Client(client_id, [url + "/callback"], client_secret="secret-" + client_id,
                                post_logout_redirect_uris=[url + "/"]))
    return url


def body_json(page) -> dict:
    return json.loads(page.locator("body").inner_text())


def sign_in_through_redirects(page, client_url: str, op_url: str) -> None:
    page.goto(client_url + "/login")
    page.wait_for_url(lambda url: url.startswith(op_url + "/authorize?"))  # the provider's sign-in page
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "secret123")
    page.click("button[type=submit]")
    page.wait_for_url(client_url + "/")


def test_login_and_logout_through_real_redirects(page, provider):
    op_app, op = provider
    bff = serve_client(op_app, op, oidc.client_app, "bff", "browser-test-bff")
    assert bff.startswith("http://localhost:") and op.url.startswith("http://127.0.0.1:")
    sign_in_through_redirects(page, bff, op.url)
    assert body_json(page) == {"signed_in": True, "user": "alice"}
    page.goto(bff + "/api/profile")
    assert body_json(page)["email"] == "alice@example.org"

    # the session cookie is HttpOnly: page script sees no cookie and no token at all
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length") == 0
    session = [c for c in page.context.cookies(bff) if c["name"] == "relying_party_session"]
    assert session and session[0]["httpOnly"] and session[0]["sameSite"] == "Lax"
    assert not any(c["value"].startswith("eyJ") for c in page.context.cookies())

    # RP-initiated logout: the client's form post, the provider's end_session_endpoint, back to the client
    page.goto(bff + "/me")
    page.evaluate("""() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/logout';
                             document.body.append(f); f.submit(); }""")
    page.wait_for_url(bff + "/")
    assert body_json(page)["signed_in"] is False
    page.goto(bff + "/login")
    expect(page.locator("input[name=password]")).to_be_visible()  # the provider's session ended too


def test_tokens_in_local_storage_are_readable_by_script_unlike_the_bff_cookie(page, provider):
    op_app, op = provider
    bff = serve_client(op_app, op, oidc.client_app, "bff", "browser-test-bff")
    spa = serve_client(op_app, op, vulnerable.local_storage_client, "spa", "browser-test-spa")
    sign_in_through_redirects(page, bff, op.url)
    assert page.evaluate("document.cookie") == ""  # what an injected script on the BFF's page can read

    page.goto(spa + "/login")  # signed in at the provider already: straight back to the SPA's callback page
    page.wait_for_url(lambda url: url.startswith(spa + "/callback"))
    stolen = json.loads(page.evaluate("localStorage.getItem('tokens')"))  # what an injected script reads here
    assert stolen["access_token"].startswith("eyJ") and stolen["id_token"].startswith("eyJ")
