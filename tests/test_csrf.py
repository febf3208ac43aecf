"""The session-bound CSRF token and the origin check (authlab.csrf)."""


import pytest

from authlab.csrf import CsrfTokens, request_from_elsewhere

HOST = "http://127.0.0.1:5000/"


def test_a_token_is_valid_for_its_own_login_only():
    tokens = CsrfTokens()
    token = tokens.issue("jti-of-alice")
    assert tokens.valid(token, "jti-of-alice")
    assert not tokens.valid(token, "jti-of-bob")
    assert not CsrfTokens().valid(token, "jti-of-alice")  # another server key


def test_the_binding_is_not_in_the_token_and_tokens_differ():
    tokens = CsrfTokens()
    first, second = tokens.issue("session-123"), tokens.issue("session-123")
    assert first != second and "session-123" not in first


@pytest.mark.parametrize("planted", [
    "",  # nothing
    "attacker-chosen",  # the naive double submit's planted value
    "Zm9yZ2VkLXRva2VuLW9mLXRoZS1yaWdodC1sZW5ndGgtMDA",  # random-looking, 43 characters like a real one
    "deadbeef.nonce",  # the right shape, a made-up MAC
    ".",
    None, 42, b"bytes",
])
def test_planted_or_malformed_values_are_refused(planted):
    assert not CsrfTokens().valid(planted, "jti-of-alice")


def test_a_token_for_one_nonce_does_not_fit_another():
    tokens = CsrfTokens()
    mac, nonce = tokens.issue("s").split(".")
    assert not tokens.valid(f"{mac}.{nonce}x", "s")
    assert not tokens.valid(f"{mac}", "s")


def test_no_binding_no_token():
    with pytest.raises(ValueError):
        CsrfTokens().issue("")
    assert not CsrfTokens().valid("a.b", None)


@pytest.mark.parametrize("headers, refused", [
    ({}, False),  # requests, curl: the token decides
    ({"Sec-Fetch-Site": "same-origin"}, False),
    ({"Sec-Fetch-Site": "none"}, False),
    ({"Sec-Fetch-Site": "cross-site"}, True),
    ({"Sec-Fetch-Site": "same-site"}, True),  # a sibling subdomain is not trusted either
    ({"Sec-Fetch-Site": "cross-site", "Origin": "http://127.0.0.1:5000"}, True),  # Fetch Metadata wins
    ({"Origin": "http://127.0.0.1:5000"}, False),
    ({"Origin": "https://attacker.example"}, True),
    ({"Origin": "http://127.0.0.1:5001"}, True),  # another port is another origin
    ({"Origin": "null"}, True),
])
def test_origin_check_on_a_post(headers, refused):
    reason = request_from_elsewhere("POST", headers, HOST)
    assert (reason is not None) == refused
    if refused:
        assert any(value in reason for value in headers.values())


def test_safe_methods_always_pass():
    assert request_from_elsewhere("GET", {"Sec-Fetch-Site": "cross-site"}, HOST) is None
