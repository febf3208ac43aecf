"""The course's OpenID Provider over real HTTP: each OAuth 2.1 / OIDC rule, and bad input."""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

import authlab
from authlab import oidc

CALLBACK = "http://127.0.0.1:8000/callback"
SECRET = "demo-app-secret"
PUBLIC = oidc.Client("spa", redirect_uris=["http://127.0.0.1:9000/cb"])
RSA_CLIENT = oidc.Client("rsa-app", redirect_uris=[CALLBACK], client_secret="rsa-secret", id_token_alg="RS256")
THIRD_PARTY = oidc.Client("quiz", redirect_uris=[CALLBACK], client_secret="quiz-secret", first_party=False)


@pytest.fixture(scope="module")
def op():
    app = oidc.provider_app(clients=[oidc.DEMO_CLIENT, PUBLIC, RSA_CLIENT, THIRD_PARTY])
    server = authlab.serve(app, name="op-under-test", show=False)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_servers_left():  # the module's provider outlives each test
    yield


@pytest.fixture(scope="module")
def meta(op):
    return requests.get(op.url + "/.well-known/openid-configuration").json()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def auth_params(client_id="demo-app", redirect_uri=CALLBACK, challenge=None, **extra) -> dict:
    params = dict(response_type="code", client_id=client_id, redirect_uri=redirect_uri,
                  scope="openid profile email offline_access", state=secrets.token_urlsafe(8),
                  nonce=secrets.token_urlsafe(8), code_challenge=challenge or pkce()[1], code_challenge_method="S256")
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


def authorize(op, params: dict, browser: requests.Session | None = None, user=("alice", "secret123")):
    """Walk /authorize as a browser would (sign-in form included); the final response, not followed."""
    browser = browser or requests.Session()
    response = browser.get(op.url + "/authorize", params=params, allow_redirects=False)
    if response.status_code == 200 and 'name="password"' in response.text:
        response = browser.post(response.url, data={"username": user[0], "password": user[1]}, allow_redirects=False)
    return response


def query(response) -> dict:
    assert response.status_code == 302, (response.status_code, response.text)
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def code_for(op, client_id="demo-app", redirect_uri=CALLBACK, **extra) -> tuple[str, str, dict]:
    verifier, challenge = pkce()
    params = auth_params(client_id, redirect_uri, challenge, **extra)
    return query(authorize(op, params))["code"], verifier, params


def redeem(op, code, verifier, auth=("demo-app", SECRET), redirect_uri=CALLBACK, **extra):
    data = dict(grant_type="authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=verifier, **extra)
    return requests.post(op.url + "/token", data={k: v for k, v in data.items() if v is not None}, auth=auth)


def tokens(op, **kwargs) -> dict:
    code, verifier, params = code_for(op)
    response = redeem(op, code, verifier)
    assert response.status_code == 200, response.text
    return response.json() | {"nonce": params["nonce"]}


def userinfo(op, access_token):
    return requests.get(op.url + "/userinfo", headers={"Authorization": f"Bearer {access_token}"})


def oauth_error(response, status=400) -> str:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()["error"]


# -- discovery and keys ---------------------------------------------------------------------


def test_discovery_offers_only_the_code_flow_with_s256(op, meta):
    assert meta["issuer"] == op.url
    assert meta["response_types_supported"] == ["code"]
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert {"ES256", "RS256"} == set(meta["id_token_signing_alg_values_supported"])
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint"):
        assert meta[key].startswith(op.url + "/")


def test_jwks_publishes_public_keys_only(meta):
    keys = requests.get(meta["jwks_uri"]).json()["keys"]
    assert {key["alg"] for key in keys} == {"ES256", "RS256"}
    assert all(key["use"] == "sig" and key["kid"] for key in keys)
    assert not any("d" in key or "p" in key for key in keys)


# -- the code flow --------------------------------------------------------------------------


def test_code_flow_issues_a_valid_es256_id_token(op, meta):
    token = tokens(op)
    id_token = token["id_token"]
    assert jwt.get_unverified_header(id_token)["alg"] == "ES256"
    key = jwt.PyJWKClient(meta["jwks_uri"]).get_signing_key_from_jwt(id_token).key
    claims = jwt.decode(id_token, key, algorithms=["ES256"], audience="demo-app", issuer=op.url)
    assert claims["sub"] == "alice" and claims["nonce"] == token["nonce"] and claims["email"] == "alice@example.org"
    assert userinfo(op, token["access_token"]).json()["sub"] == "alice"


def test_authorization_response_carries_state_and_iss(op):
    params = auth_params()
    answer = query(authorize(op, params))
    assert answer["state"] == params["state"] and answer["iss"] == op.url


@pytest.mark.parametrize("flaw", [{"prompt": "none"}, {"code_challenge_method": "plain"},
                                  {"code_challenge": None, "code_challenge_method": None}],
                         ids=["prompt-none-signed-out", "plain-pkce", "no-pkce"])
def test_error_sent_back_to_the_client_carries_state_and_iss(op, flaw):
    params = auth_params(**flaw)
    answer = query(authorize(op, params))
    assert answer["error"] and answer["state"] == params["state"] and answer["iss"] == op.url, answer


def test_rs256_client_gets_rs256_id_token(op, meta):
    code, verifier, _ = code_for(op, "rsa-app")
    id_token = redeem(op, code, verifier, auth=("rsa-app", "rsa-secret")).json()["id_token"]
    key = jwt.PyJWKClient(meta["jwks_uri"]).get_signing_key_from_jwt(id_token).key
    assert jwt.decode(id_token, key, algorithms=["RS256"], audience="rsa-app")["sub"] == "alice"


def test_access_token_is_rfc9068_jwt_for_the_resource_not_the_client(op):
    token = tokens(op)
    header = jwt.get_unverified_header(token["access_token"])
    claims = jwt.decode(token["access_token"], options={"verify_signature": False})
    assert header["typ"] == "at+jwt" and header["kid"]
    assert claims["aud"] == op.url + "/userinfo" and claims["client_id"] == "demo-app"
    assert jwt.get_unverified_header(token["id_token"])["typ"] == "JWT"


def test_id_token_is_not_an_access_token(op):
    assert userinfo(op, tokens(op)["id_token"]).status_code == 401


def test_public_client_redeems_with_pkce_alone(op):
    code, verifier, _ = code_for(op, "spa", "http://127.0.0.1:9000/cb")
    response = redeem(op, code, verifier, auth=None, redirect_uri="http://127.0.0.1:9000/cb", client_id="spa")
    assert response.status_code == 200 and "id_token" in response.json()


def test_signed_in_user_is_not_asked_again(op):
    browser = requests.Session()
    query(authorize(op, auth_params(), browser))
    again = browser.get(op.url + "/authorize", params=auth_params(), allow_redirects=False)
    assert "code" in query(again)


def test_wrong_password_shows_the_form_again(op):
    response = authorize(op, auth_params(), user=("alice", "wrong"))
    assert response.status_code == 401 and 'name="password"' in response.text


def test_third_party_client_asks_for_consent_and_deny_returns_access_denied(op):
    browser = requests.Session()
    response = authorize(op, auth_params("quiz"), browser)
    assert response.status_code == 200 and 'value="allow"' in response.text
    denied = browser.post(response.url, data={"consent": "deny"}, allow_redirects=False)
    assert query(denied)["error"] == "access_denied"
    allowed = browser.post(response.url, data={"consent": "allow"}, allow_redirects=False)
    assert "code" in query(allowed)


def test_prompt_none_without_session_redirects_login_required(op):
    response = requests.get(op.url + "/authorize", params=auth_params(prompt="none"), allow_redirects=False)
    assert query(response)["error"] == "login_required"


# -- OAuth 2.1: only code + PKCE S256 -------------------------------------------------------


@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token", "id_token token"])
def test_implicit_and_hybrid_are_refused(op, response_type):
    response = requests.get(op.url + "/authorize", params=auth_params(response_type=response_type),
                            allow_redirects=False)
    assert query(response)["error"] == "unsupported_response_type"
    assert "access_token" not in response.headers["Location"] and "#" not in response.headers["Location"]


def test_password_grant_is_refused(op):
    response = requests.post(op.url + "/token", data=dict(grant_type="password", username="alice",
                                                          password="secret123"), auth=("demo-app", SECRET))
    assert oauth_error(response) == "unsupported_grant_type"


@pytest.mark.parametrize("change", [dict(code_challenge=None, code_challenge_method=None),
                                    dict(code_challenge_method=None),
                                    dict(code_challenge_method="plain"),
                                    dict(code_challenge="short")])
def test_authorization_without_s256_pkce_is_refused(op, change):
    answer = query(authorize(op, auth_params(**change)))
    assert answer["error"] == "invalid_request" and "code" not in answer


def test_plain_downgrade_is_refused(op):
    verifier = secrets.token_urlsafe(48)
    answer = query(authorize(op, auth_params(challenge=verifier, code_challenge_method="plain")))
    assert answer["error"] == "invalid_request"


def test_wrong_or_missing_verifier_is_refused(op):
    code, _, _ = code_for(op)
    assert oauth_error(redeem(op, code, pkce()[0])) == "invalid_grant"
    code, _, _ = code_for(op)
    assert oauth_error(redeem(op, code, None)) == "invalid_request"


# -- redirect URIs --------------------------------------------------------------------------


@pytest.mark.parametrize("uri", [CALLBACK + "/", CALLBACK + "x", CALLBACK + "?next=/", "http://127.0.0.1:8001/callback",
                                 "http://localhost:8000/callback", "http://127.0.0.1:8000/Callback",
                                 "http://127.0.0.1:8000@127.0.0.1:6666/callback", None])
def test_redirect_uri_must_match_exactly_and_errors_never_redirect(op, uri):
    response = requests.get(op.url + "/authorize", params=auth_params(redirect_uri=uri), allow_redirects=False)
    assert oauth_error(response) == "invalid_request"


def test_token_request_redirect_uri_must_match(op):
    code, verifier, _ = code_for(op)
    assert oauth_error(redeem(op, code, verifier, redirect_uri=CALLBACK + "/")) == "invalid_grant"


# -- codes and refresh tokens ---------------------------------------------------------------


def test_code_works_once_and_replay_revokes_its_tokens(op):
    code, verifier, _ = code_for(op)
    first = redeem(op, code, verifier)
    assert first.status_code == 200
    assert oauth_error(redeem(op, code, verifier)) == "invalid_grant"
    assert userinfo(op, first.json()["access_token"]).status_code == 401


def test_code_of_another_client_is_refused(op):
    code, verifier, _ = code_for(op)
    assert oauth_error(redeem(op, code, verifier, auth=("rsa-app", "rsa-secret"))) == "invalid_grant"


def test_code_redeemed_concurrently_succeeds_once(op):
    code, verifier, _ = code_for(op)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: redeem(op, code, verifier).status_code, range(8)))
    assert statuses.count(200) == 1 and statuses.count(400) == 7


def test_refresh_tokens_rotate_and_reuse_revokes_the_family(op):
    first = tokens(op)
    refresh = lambda value: requests.post(op.url + "/token", auth=("demo-app", SECRET),  # noqa: E731
                                          data=dict(grant_type="refresh_token", refresh_token=value))
    second = refresh(first["refresh_token"])
    assert second.status_code == 200
    second = second.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert userinfo(op, first["access_token"]).status_code == 401  # replaced
    assert userinfo(op, second["access_token"]).status_code == 200
    assert oauth_error(refresh(first["refresh_token"])) == "invalid_grant"  # reuse detected
    assert userinfo(op, second["access_token"]).status_code == 401
    assert oauth_error(refresh(second["refresh_token"])) == "invalid_grant"


def test_nonce_reused_at_authorization_is_refused(op):
    _, _, params = code_for(op)
    answer = query(authorize(op, auth_params(nonce=params["nonce"])))
    assert answer["error"] == "invalid_request"


# -- client authentication ------------------------------------------------------------------


@pytest.mark.parametrize("auth", [("demo-app", "wrong"), None, ("nobody", "x")])
def test_confidential_client_must_authenticate(op, auth):
    code, verifier, _ = code_for(op)
    extra = {"client_id": "demo-app"} if auth is None else {}
    response = redeem(op, code, verifier, auth=auth, **extra)
    assert response.status_code in (400, 401) and response.json()["error"] == "invalid_client"


# -- logout ---------------------------------------------------------------------------------


def test_rp_initiated_logout_ends_the_session_and_redirects_with_state(op):
    browser = requests.Session()
    code = query(authorize(op, auth_params(), browser))["code"]
    assert code
    id_token = tokens(op)["id_token"]
    response = browser.get(op.url + "/logout", allow_redirects=False,
                           params=dict(id_token_hint=id_token, post_logout_redirect_uri="http://127.0.0.1:8000/",
                                       state="bye"))
    assert response.headers["Location"] == "http://127.0.0.1:8000/?state=bye"
    again = browser.get(op.url + "/authorize", params=auth_params(), allow_redirects=False)
    assert again.status_code == 200 and 'name="password"' in again.text


def test_logout_never_redirects_to_an_unregistered_uri(op):
    response = requests.get(op.url + "/logout", allow_redirects=False,
                            params=dict(id_token_hint=tokens(op)["id_token"], post_logout_redirect_uri="http://evil/"))
    assert response.status_code == 200 and "Signed out" in response.text


def test_logout_without_hint_asks_first(op):
    response = requests.get(op.url + "/logout")
    assert response.status_code == 200 and 'value="yes"' in response.text


# -- bad input: a clear OAuth error, never a 500 --------------------------------------------


BAD_REQUESTS = [
    ("GET", "/authorize", {}),
    ("GET", "/authorize", {"client_id": "nobody", "response_type": "code", "redirect_uri": CALLBACK}),
    ("GET", "/authorize", {"client_id": ["demo-app", "demo-app"], "response_type": "code"}),
    ("GET", "/authorize", {"client_id": "demo-app", "response_type": "code", "redirect_uri": "\x00\xff%"}),
    ("POST", "/authorize", {"username": ["a", "b"], "password": "x"}),
    ("POST", "/token", {}),
    ("POST", "/token", {"grant_type": "authorization_code"}),
    ("POST", "/token", {"grant_type": "authorization_code", "code": "x" * 5000, "client_id": "demo-app"}),
    ("POST", "/token", {"grant_type": "refresh_token", "refresh_token": "nope", "client_id": "spa"}),
    ("POST", "/token", {"grant_type": "client_credentials", "client_id": "demo-app", "client_secret": SECRET}),
    ("GET", "/token", {}),
    ("GET", "/userinfo", {}),
    ("GET", "/logout", {"id_token_hint": "not.a.jwt"}),
    ("GET", "/logout", {"id_token_hint": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."}),
    ("GET", "/logout", {"client_id": "nobody", "post_logout_redirect_uri": "http://evil/"}),
]


@pytest.mark.parametrize("method, path, data", BAD_REQUESTS)
def test_bad_input_gets_an_answer_not_a_500(op, method, path, data):
    if method == "GET":
        response = requests.get(op.url + path, params=data, allow_redirects=False)
    else:
        response = requests.post(op.url + path, data=data, allow_redirects=False)
    assert response.status_code < 500, response.text
    if response.status_code >= 400 and response.headers["Content-Type"].startswith("application/json"):
        assert response.json()["error"]


@pytest.mark.parametrize("header", ["Bearer", "Bearer x.y.z", "Basic abc", "Bearer " + "a" * 5000, "bearer  "])
def test_bad_bearer_gets_401(op, header):
    response = requests.get(op.url + "/userinfo", headers={"Authorization": header})
    assert response.status_code in (400, 401) and response.json()["error"]


def test_basic_auth_garbage_gets_invalid_client(op):
    code, verifier, _ = code_for(op)
    response = requests.post(op.url + "/token", headers={"Authorization": "Basic %%%"},
                             data=dict(grant_type="authorization_code", code=code, code_verifier=verifier,
                                       redirect_uri=CALLBACK))
    assert response.status_code in (400, 401) and response.json()["error"] == "invalid_client"


def test_register_adds_a_client_while_running(op):
    app = oidc.provider_app(clients=[])
    with authlab.serve(app, name="op-register", show=False) as server:
        assert oauth_error(requests.get(server.url + "/authorize", params=auth_params("late"))) == "invalid_client"
        app.register(oidc.Client("late", redirect_uris=[CALLBACK], client_secret="s"))
        assert "code" in query(authorize(server, auth_params("late")))


def test_client_with_unknown_algorithm_is_refused():
    with pytest.raises(ValueError, match="id_token_alg"):
        oidc.Client("x", redirect_uris=[CALLBACK], id_token_alg="HS256")
