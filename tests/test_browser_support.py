"""The browser demo apps, over plain HTTP: cookies and flags at sign-in, the CSRF check, the cross-site page."""

import pytest
import requests

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

ALICE = {"username": "alice", "password": DEMO_USERS["alice"]}


@pytest.fixture(scope="module")
def users():
    return Users()  # hashing the demo passwords takes a moment: once per module


@pytest.fixture
def site(users):
    with authlab.serve(cookie_rules_app(users), show=False) as server:
        yield server


def _set_cookie_headers(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.raw.headers.getlist("Set-Cookie")}


def _signed_in(site) -> dict[str, str]:
    """The cookies sign-in sets, by name (a requests jar would keep the Secure one off plain HTTP)."""
    response = requests.post(site.url + "/login", data=ALICE, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "./"
    return {name: header.split(";", 1)[0].split("=", 1)[1] for name, header in _set_cookie_headers(response).items()}


def test_sign_in_sets_a_session_cookie_per_samesite_mode_and_a_readable_csrf_cookie(site):
    response = requests.post(site.url + "/login", data=ALICE, allow_redirects=False)
    headers = _set_cookie_headers(response)
    assert set(headers) == {*SESSION_COOKIES, CSRF_COOKIE}
    for name, samesite in SESSION_COOKIES.items():
        assert "HttpOnly" in headers[name] and f"SameSite={samesite}" in headers[name]
    assert "Secure" in headers["session_none"] and "Secure" not in headers["session_lax"]
    assert "HttpOnly" not in headers[CSRF_COOKIE] and "SameSite=Strict" in headers[CSRF_COOKIE]


def test_each_session_cookie_alone_signs_the_user_in(site):
    cookies = _signed_in(site)
    for name in SESSION_COOKIES:
        page = requests.get(site.url + "/", cookies={name: cookies[name]})
        assert '<b id="user">alice</b>' in page.text, name


def test_wrong_password_gets_401_and_no_cookie(site):
    response = requests.post(site.url + "/login", data={"username": "alice", "password": "nope"})
    assert response.status_code == 401 and "Set-Cookie" not in response.headers
    assert "Wrong username or password" in response.text


def test_json_sign_in_works_like_the_form(site):
    response = requests.post(site.url + "/login", json=ALICE, allow_redirects=False)
    assert response.status_code == 303 and set(_set_cookie_headers(response)) >= set(SESSION_COOKIES)


def test_transfer_needs_the_csrf_token_as_well_as_the_session(site):
    cookies = _signed_in(site)
    transfers = site.app.extensions["authlab.transfers"]
    url = site.url + "/transfer"
    refused = requests.post(url, data={"to": "mallory", "amount": "1000"}, cookies=cookies)
    assert refused.status_code == 403 and "CSRF check failed" in refused.text
    wrong = requests.post(url, data={"to": "mallory", "amount": "1", CSRF_COOKIE: "guess"}, cookies=cookies)
    assert wrong.status_code == 403
    assert transfers == []
    token = cookies[CSRF_COOKIE]
    by_form = requests.post(url, data={"to": "bob", "amount": "10", CSRF_COOKIE: token}, cookies=cookies)
    by_header = requests.post(url, data={"to": "bob", "amount": "5"}, headers={"X-CSRF-Token": token}, cookies=cookies)
    assert by_form.status_code == by_header.status_code == 200
    assert transfers == [("alice", "bob", "10"), ("alice", "bob", "5")]


def test_a_planted_csrf_cookie_with_a_matching_field_or_header_is_refused(site):
    """The naive double submit accepted this (200): the attacker sets the cookie and sends the same value."""
    cookies = _signed_in(site)
    url = site.url + "/transfer"
    planted = {**cookies, CSRF_COOKIE: "planted-by-a-sibling-subdomain"}
    by_form = requests.post(url, data={"to": "mallory", "amount": "1000", CSRF_COOKIE: planted[CSRF_COOKIE]},
                            cookies=planted)
    by_header = requests.post(url, data={"to": "mallory", "amount": "1000"},
                              headers={"X-CSRF-Token": planted[CSRF_COOKIE]}, cookies=planted)
    assert by_form.status_code == by_header.status_code == 403
    assert "planted" in by_form.text
    other_sign_in = _signed_in(site)[CSRF_COOKIE]  # a real token, but issued to another sign-in
    borrowed = requests.post(url, data={"to": "mallory", "amount": "1", CSRF_COOKIE: other_sign_in},
                             cookies={**cookies, CSRF_COOKIE: other_sign_in})
    assert borrowed.status_code == 403
    assert site.app.extensions["authlab.transfers"] == []


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "http://localhost:1"}])
def test_a_valid_token_from_another_site_is_refused_by_the_origin_check(site, headers):
    cookies = _signed_in(site)
    form = {"to": "bob", "amount": "1", CSRF_COOKIE: cookies[CSRF_COOKIE]}
    response = requests.post(site.url + "/transfer", data=form, headers=headers, cookies=cookies)
    assert response.status_code == 403 and "another site" in response.text
    assert site.app.extensions["authlab.transfers"] == []


def test_transfer_without_a_session_is_401(site):
    response = requests.post(site.url + "/transfer", data={"to": "bob", "amount": "1"}, cookies={CSRF_COOKIE: "x"})
    assert response.status_code == 401


def test_the_signed_in_page_carries_the_token_in_its_own_form(site):
    cookies = _signed_in(site)
    page = requests.get(site.url + "/", cookies=cookies).text
    assert f'name="csrf_token" value="{cookies[CSRF_COOKIE]}"' in page
    assert 'action="transfer"' in page and 'id="document-cookie"' in page


def test_sign_out_ends_the_sessions_on_the_server(site):
    cookies = _signed_in(site)
    response = requests.post(site.url + "/logout", cookies=cookies, allow_redirects=False)
    assert response.status_code == 303
    assert all("Max-Age=0" in header for header in _set_cookie_headers(response).values())
    page = requests.get(site.url + "/", cookies=cookies)  # a copy of the old cookies
    assert 'id="user"' not in page.text and 'action="login"' in page.text


def test_cross_site_page_posts_its_fields_to_the_target_by_itself():
    target = "http://127.0.0.1:1/transfer"
    with authlab.serve(cross_site_form_app(target, {"to": "<mallory>"}), show=False) as other:
        page = requests.get(other.url + "/").text
    assert f'method="post" action="{target}"' in page
    assert 'name="to" value="&lt;mallory&gt;"' in page and ".submit()" in page


def test_cross_site_page_can_wait_for_a_click():
    with authlab.serve(cross_site_form_app("http://127.0.0.1:1/", auto_submit=False), show=False) as other:
        assert ".submit()" not in requests.get(other.url + "/").text


def test_other_site_url_swaps_the_loopback_address_for_localhost():
    assert other_site_url("http://127.0.0.1:5000/a?b=1") == "http://localhost:5000/a?b=1"
    with pytest.raises(ValueError, match="127.0.0.1"):
        other_site_url("http://example.com/")


def test_cookies_received_reads_the_cookie_header_from_the_log(site):
    requests.get(site.url + "/", cookies={"a": "1", "b": "x=y"})
    assert cookies_received(site.log[-1]) == {"a": "1", "b": "x=y"}
    requests.get(site.url + "/")
    assert cookies_received(site.log[-1]) == {}


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '{"username": 1, "password": null}'])
def test_malformed_sign_in_is_a_401_page_not_a_crash(site, body):
    response = requests.post(site.url + "/login", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 401 and "Wrong username or password" in response.text
