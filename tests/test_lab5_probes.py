"""Lab 5's checker-side OpenID Provider and browser on known inputs: what it records, how it misbehaves."""

import base64
import hashlib
import json
import secrets
import zlib
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from flask import Flask, make_response

from authlab.checks import _oidc_browser, _op
from authlab.checks._core import CheckFailed, serving

CLIENT, SECRET, CALLBACK = "probe-client", "probe-client-secret-of-32-bytes!", "http://127.0.0.1:9/callback"


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def op():
    provider = _op.TestProvider(CLIENT, SECRET)
    provider.redirect_uris.add(CALLBACK)
    with provider.running():
        yield provider


def _authorize(op, **params) -> dict:
    """Send an authorization request; the query of the provider's redirect."""
    query = {"response_type": "code", "client_id": CLIENT, "redirect_uri": CALLBACK, "scope": "openid",
             "state": "s-1", "nonce": "n-1", **params}
    answer = requests.get(op.endpoint("authorize") + "?" + urlencode(query), allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith(CALLBACK + "?")
    return {name: values[0] for name, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def _exchange(op, code: str, auth=(CLIENT, SECRET), **form) -> requests.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **form}
    return requests.post(op.endpoint("token"), data=data, auth=auth, timeout=5)


def test_discovery_names_random_paths_and_only_asymmetric_algorithms(op):
    metadata = requests.get(op.issuer + "/.well-known/openid-configuration", timeout=5).json()
    assert metadata == op.metadata() and metadata["issuer"] == op.issuer
    assert metadata["authorization_endpoint"] != op.issuer + "/authorize"
    assert requests.get(op.issuer + "/authorize", timeout=5).status_code == 404  # a hard-coded path fails
    assert metadata["id_token_signing_alg_values_supported"] == ["ES256"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert _op.TestProvider(CLIENT, SECRET).prefix != op.prefix


def test_authorize_redirects_only_to_registered_uris_and_records_the_request(op):
    back = _authorize(op, code_challenge="c" * 43, code_challenge_method="S256")
    assert back["state"] == "s-1" and back["iss"] == op.issuer and back["code"]
    recorded = op.authorizations[-1]
    assert recorded.code == back["code"] and recorded.params["nonce"] == "n-1"
    stranger = requests.get(op.endpoint("authorize") + "?" + urlencode(
        {"response_type": "code", "client_id": CLIENT, "redirect_uri": CALLBACK + "/../evil"}),
        allow_redirects=False, timeout=5)
    assert stranger.status_code == 400 and "Location" not in stranger.headers


def test_id_token_verifies_with_the_jwks_and_carries_the_login_nonce(op):
    code = _authorize(op)["code"]
    tokens = _exchange(op, code).json()
    keys = jwt.PyJWKClient(op.endpoint("keys"))
    claims = jwt.decode(tokens["id_token"], keys.get_signing_key_from_jwt(tokens["id_token"]), algorithms=["ES256"],
                        audience=CLIENT, issuer=op.issuer)
    assert claims["nonce"] == "n-1" and claims["sub"] == op.user["sub"]
    assert set(op.issued) >= {tokens["id_token"], tokens["access_token"], tokens["refresh_token"]}
    userinfo = requests.get(op.endpoint("userinfo"), headers={"Authorization": f"Bearer {tokens['access_token']}"},
                            timeout=5)
    assert userinfo.json()["sub"] == op.user["sub"]


@pytest.mark.parametrize(("how", "method"), [("basic", "client_secret_basic"), ("post", "client_secret_post"),
                                             ("wrong secret", None), ("none", None)])
def test_token_request_records_the_client_authentication(op, how, method):
    code = _authorize(op)["code"]
    form = {"basic": {}, "post": {"auth": None, "client_id": CLIENT, "client_secret": SECRET},
            "wrong secret": {"auth": (CLIENT, SECRET + "x")}, "none": {"auth": None, "client_id": CLIENT}}[how]
    assert _exchange(op, code, **form).status_code == 200  # lenient: the checks judge, not the provider
    assert op.token_requests[-1].client_authentication(CLIENT, SECRET) == method


def test_verifier_is_judged_against_the_challenge_of_its_login(op):
    verifier = secrets.token_urlsafe(48)
    for sent, matches in [(verifier, True), (secrets.token_urlsafe(48), False)]:
        code = _authorize(op, code_challenge=_challenge(verifier), code_challenge_method="S256")["code"]
        _exchange(op, code, code_verifier=sent)
        assert op.token_requests[-1].verifier_matches() is matches
    code = _authorize(op, code_challenge=verifier, code_challenge_method="plain")["code"]
    _exchange(op, code, code_verifier=verifier)
    assert op.token_requests[-1].verifier_matches()


def test_codes_are_single_use_unless_the_provider_is_told_to_forget(op):
    code = _authorize(op)["code"]
    assert _exchange(op, code).status_code == 200
    assert _exchange(op, code).json()["error"] == "invalid_grant"
    op.reusable_codes = True
    assert _exchange(op, code).status_code == 200
    assert _exchange(op, "garbage").status_code == 400


def test_forge_replaces_the_id_token_and_response_iss_the_iss_parameter(op):
    op.forge = lambda claims, provider: provider.sign({**claims, "aud": "another-client"})
    token = _exchange(op, _authorize(op)["code"]).json()["id_token"]
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == "another-client"
    op.response_iss = "https://attacker.example"
    assert _authorize(op)["iss"] == "https://attacker.example"


def test_rotation_publishes_only_the_new_key(op):
    old = op.keys[0]
    new = op.rotate("RS256")
    published = requests.get(op.endpoint("keys"), timeout=5).json()["keys"]
    assert [key["kid"] for key in published] == [new.kid] != [old.kid]
    assert published[0]["kty"] == "RSA" and op.metadata()["id_token_signing_alg_values_supported"] == ["RS256"]
    assert jwt.get_unverified_header(op.sign({"sub": "x"}))["kid"] == new.kid


def test_token_leak_finds_tokens_in_flask_session_cookies_bodies_and_urls():
    token = jwt.encode({"sub": "alice"}, secrets.token_bytes(32), algorithm="HS256")
    app = Flask("leaky")
    app.secret_key = secrets.token_bytes(32)

    @app.get("/session")
    def in_flask_session():
        from flask import session

        session["tokens"] = {"id_token": token, "padding": "x" * 200}  # compressed by Flask's serializer
        return "ok"

    @app.get("/url")
    def in_url():
        return "", 302, {"Location": f"/profile?access_token={token}"}

    @app.get("/clean")
    def clean():
        response = make_response({"sub": "alice"})
        response.set_cookie("sid", secrets.token_urlsafe(32), httponly=True)
        return response

    with serving(app, "lab5-probe") as site:
        for path, place in [("/session", "the cookie 'session'"), ("/url", "the Location header")]:
            browser = _oidc_browser.Browser(site)
            browser.get(path)
            assert _oidc_browser.token_leak({"ID token": token}, browser) == \
                f"the ID token was in {place} of the answer to GET {path}"
        browser = _oidc_browser.Browser(site)
        browser.get("/clean")
        assert _oidc_browser.token_leak({"ID token": token}, browser) is None


def test_readings_decode_compressed_cookie_payloads():
    payload = base64.urlsafe_b64encode(zlib.compress(json.dumps({"t": "needle"}).encode())).rstrip(b"=").decode()
    assert any("needle" in reading for reading in _oidc_browser.readings(f".{payload}.sig"))


def test_refused_requires_a_json_4xx_and_no_session():
    app = Flask("judge")

    @app.get("/profile")
    def profile():
        return ({"sub": "alice"}, 200) if app.config.get("signed_in") else ({"error": "no"}, 401)

    @app.get("/html")
    def html():
        return "<p>bad</p>", 400

    with serving(app, "lab5-judge") as site:
        browser = _oidc_browser.Browser(site)
        _oidc_browser.refused(browser, site.get("/profile"), "a probe", "hint")  # 401 JSON, not signed in
        with pytest.raises(CheckFailed, match="not a JSON error"):
            _oidc_browser.refused(browser, site.get("/html"), "a probe", "hint")
        app.config["signed_in"] = True
        with pytest.raises(CheckFailed, match="signed the browser in"):
            _oidc_browser.refused(browser, site.get("/html"), "a probe", "hint")


def test_replace_changes_and_drops_callback_parameters():
    path = "/callback?code=c&state=s&iss=http%3A%2F%2Fop"
    assert _oidc_browser.replace(path, state=None) == "/callback?code=c&iss=http%3A%2F%2Fop"
    assert _oidc_browser.param(_oidc_browser.replace(path, code="x y"), "code") == "x y"
