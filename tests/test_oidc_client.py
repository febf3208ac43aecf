"""The course's relying party (backend-for-frontend), its ID token checks, and lesson 09's attacks."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from joserfc.jwk import ECKey

import authlab
from authlab import oidc
from authlab.oidc import attacker, vulnerable

USER = {"username": "alice", "password": "secret123"}


@pytest.fixture(autouse=True)
def _no_servers_left():
    yield
    authlab.stop_all()


def sign_in(browser: requests.Session, start_url: str, user=USER) -> requests.Response:
    """Open a client's /login and fill in the provider's form; redirects followed."""
    form = browser.get(start_url)
    assert 'name="password"' in form.text, form.text
    return browser.post(form.url, data=user)


def pair(op_app, rp_factory, client_id="course-app", secret="course-secret", public=False):
    op = authlab.serve(op_app, name="op", show=False)
    provider = oidc.Provider(op.url, client_id, None if public else secret)
    rp = authlab.serve(rp_factory(provider), name="rp", show=False)
    op_app.register(oidc.Client(client_id, [rp.url + "/callback"], client_secret=None if public else secret,
                                post_logout_redirect_uris=[rp.url + "/"]))
    return op, rp


# -- the backend-for-frontend ---------------------------------------------------------------


def test_bff_signs_in_and_keeps_tokens_on_the_server():
    op, rp = pair(oidc.provider_app(), oidc.client_app)
    browser = requests.Session()
    landed = sign_in(browser, rp.url + "/login")
    assert landed.url == rp.url + "/" and landed.json() == {"signed_in": True, "user": "alice"}
    session_cookie = next(c for c in browser.cookies if c.name.endswith("_session") and c.name != "op_session")
    assert session_cookie.has_nonstandard_attr("HttpOnly")
    everything_the_browser_saw = " ".join(
        [r.text for r in landed.history + [landed]] + [str(r.headers) for r in landed.history + [landed]])
    assert "eyJ" not in everything_the_browser_saw  # no JWT ever reached the browser
    assert browser.get(rp.url + "/api/profile").json()["email"] == "alice@example.org"


def test_bff_session_cookie_flags():
    op, rp = pair(oidc.provider_app(), oidc.client_app)
    browser = requests.Session()
    landed = sign_in(browser, rp.url + "/login")
    set_cookie = landed.history[-1].headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_bff_logout_ends_both_sessions():
    op, rp = pair(oidc.provider_app(), oidc.client_app)
    browser = requests.Session()
    sign_in(browser, rp.url + "/login")
    out = browser.post(rp.url + "/logout")
    assert out.url == rp.url + "/" and out.json()["signed_in"] is False
    assert browser.get(rp.url + "/me").status_code == 401
    assert 'name="password"' in browser.get(rp.url + "/login").text  # the provider asks again


def test_callback_without_login_is_refused():
    op, rp = pair(oidc.provider_app(), oidc.client_app)
    response = requests.get(rp.url + "/callback", params={"code": "x", "state": "y"})
    assert response.status_code == 400 and "no login was started" in response.json()["error"]


def test_provider_error_is_reported():
    op, rp = pair(oidc.provider_app(), oidc.client_app)
    browser = requests.Session()
    start = browser.get(rp.url + "/login", allow_redirects=False)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = browser.get(rp.url + "/callback", params={"error": "access_denied", "state": state, "iss": op.url})
    assert response.status_code == 400 and "access_denied" in response.json()["error"]


def test_unknown_provider_index_is_404():
    op, rp = pair(oidc.provider_app(), oidc.client_app)
    assert requests.get(rp.url + "/login", params={"provider": "7"}).status_code == 404
    assert requests.get(rp.url + "/login", params={"provider": "x"}).status_code == 404


# -- validate_id_token ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def keys():
    key = ECKey.generate_key("P-256", parameters={"alg": "ES256", "use": "sig", "kid": "k1"})
    return key, {"keys": [key.as_dict(private=False)]}


def make(key, alg="ES256", kid="k1", **claims):
    now = int(time.time())
    body = {"iss": "https://op", "sub": "alice", "aud": "app", "iat": now, "exp": now + 300, "nonce": "n"} | claims
    body = {k: v for k, v in body.items() if v is not None}
    pem = key.as_pem(private=True)
    return jwt.encode(body, pem, algorithm=alg, headers={"kid": kid})


CHECK = dict(issuer="https://op", client_id="app", nonce="n")


def test_valid_id_token_passes(keys):
    key, jwks = keys
    assert oidc.validate_id_token(make(key), jwks, **CHECK)["sub"] == "alice"


@pytest.mark.parametrize("claims, message", [
    (dict(aud="other-app"), "aud"), (dict(iss="https://evil"), "iss"), (dict(exp=int(time.time()) - 3600), "expired"),
    (dict(nonce="old"), "nonce"), (dict(nonce=None), "nonce"), (dict(sub=None), "sub"),
    (dict(aud=["app", "other"]), "azp"),
])
def test_each_claim_is_checked(keys, claims, message):
    key, jwks = keys
    with pytest.raises(oidc.IdTokenError, match=message):
        oidc.validate_id_token(make(key, **claims), jwks, **CHECK)


def test_alg_none_hs256_and_foreign_keys_are_refused(keys):
    key, jwks = keys
    now = int(time.time())
    claims = {"iss": "https://op", "sub": "alice", "aud": "app", "iat": now, "exp": now + 60, "nonce": "n"}
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "k1"})
    with pytest.raises(oidc.IdTokenError, match="algorithm 'none'"):
        oidc.validate_id_token(unsigned, jwks, **CHECK)
    hs = jwt.encode(claims, "x" * 32, algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(oidc.IdTokenError, match="HS256"):
        oidc.validate_id_token(hs, jwks, **CHECK)
    stranger = ECKey.import_key(ec.generate_private_key(ec.SECP256R1()))
    with pytest.raises(oidc.IdTokenError, match="bad signature"):
        oidc.validate_id_token(make(stranger), jwks, **CHECK)
    with pytest.raises(oidc.IdTokenError, match="no key with kid"):
        oidc.validate_id_token(make(key, kid="k2"), jwks, **CHECK)


@pytest.mark.parametrize("garbage", [None, "", "abc", "a.b.c", "eyJ.eyJ.", 42])
def test_garbage_is_an_id_token_error(keys, garbage):
    with pytest.raises(oidc.IdTokenError):
        oidc.validate_id_token(garbage, keys[1], **CHECK)


# -- the lesson's attacks: each works on the vulnerable party and fails on the fixed one ----


def test_vulnerable_apps_are_named_and_labelled():
    op_app = vulnerable.pkce_optional_provider()
    assert op_app.name.startswith("VULNERABLE-")
    with authlab.serve(op_app, show=False) as op:
        assert "X-Authlab-Warning" in requests.get(op.url + "/jwks.json").headers


def login_csrf(op_app, rp_factory) -> requests.Response:
    op, rp = pair(op_app, rp_factory)
    mallory = requests.Session()
    start = mallory.get(rp.url + "/login", allow_redirects=False)
    form = mallory.get(start.headers["Location"])
    code_redirect = mallory.post(form.url, data={"username": "bob", "password": "correct horse battery staple"},
                                 allow_redirects=False)
    alice = requests.Session()
    alice.get(code_redirect.headers["Location"])  # the link mallory planted
    return alice.get(rp.url + "/me")


def test_login_csrf_without_state():
    assert login_csrf(vulnerable.pkce_optional_provider(), vulnerable.no_state_client).json()["user"] == "bob"
    assert login_csrf(oidc.provider_app(), oidc.client_app).status_code == 401


def stolen_code_attack(op_app, method: str | None):
    """A public client's code leaks (log, Referer); the attacker redeems it with what the URL showed."""
    op = authlab.serve(op_app, name="op", show=False)
    op_app.register(oidc.Client("spa", ["http://127.0.0.1:9/cb"]))
    verifier, challenge = oidc.pkce_pair()
    params = dict(response_type="code", client_id="spa", redirect_uri="http://127.0.0.1:9/cb", scope="openid",
                  state="s", nonce="n")
    if method == "plain":
        params.update(code_challenge=verifier, code_challenge_method="plain")
    browser = requests.Session()
    answer = browser.get(op.url + "/authorize", params=params, allow_redirects=False)
    if answer.status_code == 200:  # the sign-in form
        answer = browser.post(answer.url, data=USER, allow_redirects=False)
    leaked = parse_qs(urlsplit(answer.headers["Location"]).query)
    if "code" not in leaked:
        return leaked
    data = dict(grant_type="authorization_code", code=leaked["code"][0], redirect_uri=params["redirect_uri"],
                client_id="spa")
    if method == "plain":
        data["code_verifier"] = params["code_challenge"]  # it stood in the authorization URL
    return requests.post(op.url + "/token", data=data).json()


@pytest.mark.parametrize("method", [None, "plain"])
def test_stolen_code_without_s256_pkce(method):
    assert "access_token" in stolen_code_attack(vulnerable.pkce_optional_provider(), method)
    refused = stolen_code_attack(oidc.provider_app(), method)
    assert refused["error"] == ["invalid_request"]


def test_redirect_uri_prefix_leaks_the_code():
    thief = authlab.serve(attacker.collector_app(), name="attacker", show=False)
    for factory, leaks in [(vulnerable.prefix_redirect_provider, True), (oidc.provider_app, False)]:
        client = oidc.Client("app", ["http://127.0.0.1:5999"], client_secret="s")
        op = authlab.serve(factory(clients=[client]), name="op", show=False)
        evil = "http://127.0.0.1:5999@" + thief.url.removeprefix("http://") + "/steal"
        verifier, challenge = oidc.pkce_pair()
        browser = requests.Session()
        form = browser.get(op.url + "/authorize", params=dict(
            response_type="code", client_id="app", redirect_uri=evil, scope="openid", state="s", nonce="n",
            code_challenge=challenge, code_challenge_method="S256"))
        if leaks:
            browser.post(form.url, data=USER)
            assert "code" in thief.app.received[-1]["args"]
        else:
            assert form.status_code == 400 and form.json()["error"] == "invalid_request"


def token_for_other_client(rp_factory) -> requests.Response:
    op_app = oidc.provider_app()
    op, rp = pair(op_app, rp_factory)
    quiz = authlab.serve(oidc.client_app(oidc.Provider(op.url, "quiz", "quiz-secret")), name="quiz", show=False)
    op_app.register(oidc.Client("quiz", [quiz.url + "/callback"], client_secret="quiz-secret"))
    alice = requests.Session()
    sign_in(alice, quiz.url + "/login")
    # quiz's owner reads alice's ID token from their own provider response; here: ask the provider again
    verifier, challenge = oidc.pkce_pair()
    answer = alice.get(op.url + "/authorize", allow_redirects=False, params=dict(
        response_type="code", client_id="quiz", redirect_uri=quiz.url + "/callback", scope="openid", nonce="q1",
        state="s", code_challenge=challenge, code_challenge_method="S256"))
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    id_token = requests.post(op.url + "/token", auth=("quiz", "quiz-secret"), data=dict(
        grant_type="authorization_code", code=code, redirect_uri=quiz.url + "/callback",
        code_verifier=verifier)).json()["id_token"]
    mallory = requests.Session()
    mallory.get(rp.url + "/nonce")
    return mallory.post(rp.url + "/session", data={"id_token": id_token})


def test_id_token_for_another_client():
    assert token_for_other_client(vulnerable.unchecked_aud_client).json()["user"] == "alice"
    refused = token_for_other_client(oidc.client_app)
    assert refused.status_code == 401 and "aud" in refused.json()["error"]


def replayed_id_token(rp_factory) -> requests.Response:
    op_app = oidc.provider_app()
    op, rp = pair(op_app, rp_factory)
    alice = requests.Session()
    nonce = alice.get(rp.url + "/nonce").json()["nonce"]
    verifier, challenge = oidc.pkce_pair()
    answer = sign_in_code(alice, op.url, rp.url, nonce, challenge)
    id_token = requests.post(op.url + "/token", auth=("course-app", "course-secret"), data=dict(
        grant_type="authorization_code", code=answer, redirect_uri=rp.url + "/callback",
        code_verifier=verifier)).json()["id_token"]
    assert alice.post(rp.url + "/session", data={"id_token": id_token}).json()["user"] == "alice"
    mallory = requests.Session()
    mallory.get(rp.url + "/nonce")
    return mallory.post(rp.url + "/session", data={"id_token": id_token})  # the same token, seen in a log


def sign_in_code(browser, op_url, rp_url, nonce, challenge) -> str:
    form = browser.get(op_url + "/authorize", params=dict(
        response_type="code", client_id="course-app", redirect_uri=rp_url + "/callback", scope="openid",
        nonce=nonce, state="s", code_challenge=challenge, code_challenge_method="S256"))
    answer = browser.post(form.url, data=USER, allow_redirects=False)
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def test_nonce_replay():
    assert replayed_id_token(vulnerable.nonce_replay_client).json()["user"] == "alice"
    refused = replayed_id_token(oidc.client_app)
    assert refused.status_code == 401 and "nonce" in refused.json()["error"]


def mix_up(rp_factory):
    op_app = oidc.provider_app()
    op = authlab.serve(op_app, name="op", show=False)
    evil_app = attacker.mix_up_provider_app(op.url)
    evil = authlab.serve(evil_app, name="attacker-provider", show=False)
    rp = authlab.serve(rp_factory(oidc.Provider(op.url, "mixup-app"), oidc.Provider(evil.url, "mixup-app")),
                       name="rp", show=False)
    op_app.register(oidc.Client("mixup-app", [rp.url + "/callback"]))
    alice = requests.Session()
    landed = sign_in(alice, rp.url + "/login?provider=1")  # alice picked the attacker's provider
    return landed, evil_app.received


def test_mix_up_without_iss_check():
    landed, received = mix_up(vulnerable.mix_up_client)
    stolen = received[-1]["form"]
    assert stolen["code"] and stolen["code_verifier"]
    landed, received = mix_up(oidc.client_app)
    assert landed.status_code == 400 and "mix-up" in landed.json()["error"] and not received


def test_tokens_in_the_url_end_up_in_the_log():
    for factory, leaks in [(vulnerable.tokens_in_url_client, True), (oidc.client_app, False)]:
        op, rp = pair(oidc.provider_app(), factory)
        landed = sign_in(requests.Session(), rp.url + "/login")
        logged = " ".join(exchange.path for exchange in rp.log)
        assert ("access_token=eyJ" in logged) is leaks
        assert ("access_token" in landed.url) is leaks
