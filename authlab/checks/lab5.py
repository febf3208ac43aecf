"""Checks of lab 5, an OpenID Connect relying party: each runs a provider here and signs in through your app.

Your notebook defines ``create_app(issuer, client_id, client_secret) -> Flask``: a relying party that finds the
provider's endpoints by discovery and offers ``GET /login`` (a redirect to the authorization endpoint with
``response_type=code``, ``client_id``, ``redirect_uri`` = ``<your app>/callback``, ``scope`` with ``openid``, fresh
``state`` and ``nonce``, a PKCE S256 challenge), ``GET /callback`` (state bound to this browser, the code and verifier
exchanged with client authentication, the ID token validated, then an HttpOnly, SameSite session cookie of your own
and a redirect to ``/profile``), ``GET /profile`` (JSON with the user's ``sub``; 401 JSON without a session) and
``POST /logout`` (the session ends on the server). Errors are 4xx JSON, never a 500 and never a session.

The checks' provider (``_op.TestProvider``) names its endpoints under random paths, approves at once, records what
your app sent, and hands out a bad ID token when a check asks it to. Every check first signs in correctly, so that
each refusal afterwards means what it says.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import jwt
import requests

from authlab.checks import _oidc_browser as flow
from authlab.checks._core import Probe, call_student, check, estimated_bits, fail, json_error, ok, serving, set_cookies
from authlab.checks._jwt import b64url, b64url_decode
from authlab.checks._oidc_browser import Browser
from authlab.checks._op import SigningKey, TestProvider

LAB = "lab5"
CLIENT_ID = "lab5-client"
ATTACKER = "https://attacker.example"
MIN_BITS = 128  # RFC 9700 §4.7.1 and OIDC Core §15.5.2: unguessable state and nonce
LOGINS = 4  # logins started to judge state, nonce and PKCE challenges
MAX_LEEWAY = 60
VALIDATE = ("validate the ID token before you trust it (OpenID Connect Core §3.1.3.7): jwt.decode with the key from "
            "the provider's JWKS, algorithms pinned, audience=client_id, issuer=issuer; then compare the nonce")


@contextlib.contextmanager
def _relying_party(create_app: Callable, op: TestProvider) -> Iterator[Probe]:
    """Your app for ``op``, served; its exact redirect URI registered at the provider."""
    app = call_student(create_app, op.issuer, op.client_id, op.client_secret,
                       what=f"create_app({op.issuer!r}, {op.client_id!r}, <client secret>)")
    with serving(app, LAB) as rp:
        op.redirect_uris.add(rp.url + "/callback")
        yield rp


@contextlib.contextmanager
def _session(create_app: Callable, algorithm: str = "ES256") -> Iterator[tuple[TestProvider, Probe]]:
    op = TestProvider(CLIENT_ID, secrets.token_urlsafe(24), algorithm=algorithm)
    with op.running(), _relying_party(create_app, op) as rp:
        yield op, rp


def _token_request(op: TestProvider, code: str | None):
    return next((record for record in reversed(op.token_requests)
                 if record.authorization is not None and record.authorization.code == code), None)


@check(LAB, points=3)
def check_authorize(create_app: Callable) -> None:
    """GET /login redirects to the discovered endpoint: code, client_id, redirect_uri, openid, state, nonce, S256."""
    with _session(create_app) as (op, rp):
        logins = [flow.start(Browser(rp), op) for _ in range(LOGINS)]
        first = logins[0]
        twice = sorted({name for name, _ in first.pairs if [n for n, _ in first.pairs].count(name) > 1})
        if twice:
            fail(f"the authorization request repeats {', '.join(twice)}", "send each parameter once (RFC 6749 §3.1)")
        wanted = {"response_type": ("code", "the code flow is the only one OAuth 2.1 keeps: response_type=code"),
                  "client_id": (op.client_id, "send the client_id create_app was given"),
                  "redirect_uri": (rp.url + "/callback", "send url_for('callback', _external=True), the URL your app "
                                                         "is served at plus /callback")}
        for name, (value, hint) in wanted.items():
            if first.params.get(name) != value:
                fail(f"the authorization request has {name}={first.params.get(name)!r}, not {value!r}", hint)
        if "openid" not in first.params.get("scope", "").split():
            fail(f"the authorization request has scope={first.params.get('scope')!r}, without openid",
                 'ask for scope="openid profile email": without openid there is no ID token')
        ok("GET /login redirected to the discovered authorization_endpoint with response_type=code, client_id, "
           "redirect_uri=<your app>/callback and scope openid")
        for name in ("state", "nonce"):
            values = [login.params.get(name) or "" for login in logins]
            if not all(values):
                fail(f"an authorization request has no {name}",
                     f"send {name}=secrets.token_urlsafe(32), made fresh for every login and kept for this browser")
            if len(set(values)) < len(values):
                fail(f"{LOGINS} logins sent the same {name} {values[0]!r}", f"make {name} fresh for every login")
            bits = estimated_bits(values)
            if bits < MIN_BITS:
                fail(f"{name} carries about {bits:.0f} bits ({values[0]!r}), fewer than {MIN_BITS}",
                     f"use secrets.token_urlsafe(32) for {name}: an attacker must not guess it")
        ok(f"state and nonce are fresh in each of {LOGINS} logins and carry at least {MIN_BITS} bits")
        for login in logins:
            challenge, method = login.params.get("code_challenge"), login.params.get("code_challenge_method")
            if not challenge:
                fail("the authorization request has no code_challenge",
                     "add PKCE (RFC 7636): a fresh verifier per login, code_challenge=BASE64URL(SHA256(verifier)), "
                     "code_challenge_method=S256; OAuth 2.1 requires it")
            if method != "S256":
                fail(f"the authorization request has code_challenge_method={method!r}",
                     "send code_challenge_method=S256: with plain (the default) the challenge is the verifier itself")
            if not re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge):
                fail(f"the code_challenge {challenge!r} is not a base64url SHA-256 digest (43 characters, no '=')",
                     "base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b'=')")
        if len({login.params["code_challenge"] for login in logins}) < len(logins):
            fail(f"{LOGINS} logins sent the same code_challenge", "make a fresh code verifier for every login")
        ok("every login sends its own PKCE challenge with code_challenge_method=S256")


@check(LAB, points=3)
def check_login(create_app: Callable) -> None:
    """A full login: the code, the matching verifier and client authentication at the token endpoint; /profile works."""
    with _session(create_app) as (op, rp):
        browser = Browser(rp)
        started, path, answer = flow.log_in(browser, op)
        record = _token_request(op, flow.param(path, "code"))
        if record is None:
            fail(f"/callback answered {answer.status_code} {answer.text[:80]!r} without calling the token endpoint "
                 f"{op.endpoint('token')}", "POST grant_type=authorization_code, the code, redirect_uri and "
                                            "code_verifier to the token_endpoint named by discovery")
        if record.value("grant_type") != "authorization_code":
            fail(f"the token request has grant_type={record.value('grant_type')!r}",
                 "send grant_type=authorization_code")
        if record.value("redirect_uri") != started.params.get("redirect_uri"):
            fail(f"the token request has redirect_uri={record.value('redirect_uri')!r}, not the one of the "
                 "authorization request", "send the same redirect_uri again (RFC 6749 §4.1.3)")
        if record.client_authentication(op.client_id, op.client_secret) is None:
            fail(f"the token request carried no valid client authentication (form fields {sorted(record.form)}, "
                 f"{'an' if record.basic else 'no'} Authorization: Basic header)",
                 "authenticate with client_secret_basic, requests.post(..., auth=(client_id, client_secret)), or "
                 "client_secret_post (client_id and client_secret in the form)")
        if started.params.get("code_challenge") and not record.verifier_matches():
            fail(f"the token request's code_verifier {record.value('code_verifier')!r} does not match the "
                 "code_challenge of this login", "send the verifier you made for this browser's login: "
                                                 "its SHA-256 is the challenge")
        ok("the token request carried the code, the same redirect_uri, a verifier that matches the challenge and "
           f"{record.client_authentication(op.client_id, op.client_secret)}")
        target = answer.headers.get("Location", "")
        if answer.status_code not in (302, 303) or urlsplit(target).path != "/profile" or \
                not target.startswith(("/", rp.url + "/")):
            fail(f"/callback answered {answer.status_code} {answer.text[:80]!r} (Location {target!r})",
                 "after a good login set your session cookie and redirect(url_for('profile'))")
        profile = browser.profile()
        try:
            body = profile.json()
        except ValueError:
            body = None
        if profile.status_code != 200 or not isinstance(body, dict) or body.get("sub") != op.user["sub"]:
            fail(f"GET /profile after the login returned {profile.status_code} {profile.text[:80]!r}",
                 f'return the ID token\'s sub as JSON: {{"sub": "{op.user["sub"]}", ...}}')
        ok(f"/callback redirected to /profile, which shows sub {op.user['sub']!r}")


@check(LAB, points=2)
def check_session_cookie(create_app: Callable) -> None:
    """The cookies are HttpOnly and SameSite, without Domain; no token reaches the browser (cookie, body or URL)."""
    with _session(create_app) as (op, rp):
        browser = Browser(rp)
        started, path, answer = flow.log_in(browser, op)
        browser.profile()
        set_at = {"GET /login": set_cookies(started.response), "/callback": set_cookies(answer)}
        if not any(morsel.value for morsel in set_at["/callback"].values()):
            fail(f"/callback answered {answer.status_code} and set no cookie",
                 "after a good login, set a session cookie whose value is a random key into your server-side store")
        for where, cookies in set_at.items():
            for name, morsel in cookies.items():
                if not morsel.value:
                    continue
                if not morsel["httponly"]:
                    fail(f"the cookie {name!r} set by {where} is not HttpOnly: any script on the page can read it",
                         "set_cookie(..., httponly=True)")
                if morsel["samesite"].lower() not in ("lax", "strict"):
                    fail(f"the cookie {name!r} set by {where} has SameSite={morsel['samesite'] or '(none)'}",
                         'set_cookie(..., samesite="Lax"): Lax still comes back with the provider\'s redirect')
                if morsel["domain"]:
                    fail(f"the cookie {name!r} set by {where} has Domain={morsel['domain']}: subdomains get it too",
                         "leave Domain out: the cookie then goes to your host only")
        ok("every cookie your app set is HttpOnly and SameSite, without Domain")
        record = _token_request(op, flow.param(path, "code"))
        issued = (record.tokens or {}) if record else {}
        tokens = {name: issued[name] for name in ("id_token", "access_token", "refresh_token") if name in issued}
        leak = flow.token_leak(tokens, browser)
        if leak:
            fail(f"{leak}: a token the browser holds can be stolen by a script, a log or a browser history",
                 "keep the tokens in your server-side session store; give the browser only the random session key")
        ok("no ID, access or refresh token was in a cookie, a body or a URL the browser saw")


@check(LAB, points=3)
def check_state(create_app: Callable) -> None:
    """A callback without state, with a wrong one, or with another browser's (login CSRF) signs nobody in."""
    hint = ("keep the state of each login with this browser (a server-side store under an HttpOnly cookie) and "
            "refuse a callback whose state is not exactly that one (RFC 9700 §2.1, §4.7)")
    with _session(create_app) as (op, rp):
        flow.signed_in(Browser(rp), op)
        victim = Browser(rp)
        path = flow.authorize(op, flow.start(victim, op))
        flow.refused(victim, victim.get(flow.replace(path, state=None)), "a callback without state", hint)
        victim = Browser(rp)
        path = flow.authorize(op, flow.start(victim, op))
        wrong = flow.replace(path, state=secrets.token_urlsafe(32))
        flow.refused(victim, victim.get(wrong), "a callback with a state this login never sent", hint)
        ok("callbacks without state, or with a wrong one, were refused")
        attacker = Browser(rp)
        planted = flow.authorize(op, flow.start(attacker, op))  # the attacker's own code and state
        victim = Browser(rp)
        flow.start(victim, op)
        flow.refused(victim, victim.get(planted), "the attacker's callback (code and state of a login started in "
                                                  "another browser) opened in a browser that started its own login",
                     hint)
        flow.refused(Browser(rp), Browser(rp).get(planted), "the attacker's callback opened in a browser that started "
                                                            "no login", hint)
        ok("another browser's code and state were refused (login CSRF): a state is bound to the browser that began")


def _forged(create_app: Callable, cases: dict[str, Callable], hint: str, algorithm: str = "ES256") -> None:
    """For each case a login whose ID token the provider forges (claims, provider -> token): all refused."""
    with _session(create_app, algorithm) as (op, rp):
        flow.signed_in(Browser(rp), op)
        for label, forge in cases.items():
            _refused_forgery(op, rp, forge, f"a login whose ID token {label}", hint)


def _refused_forgery(op: TestProvider, rp: Probe, forge: Callable, what: str, hint: str) -> None:
    """One login in a new browser whose ID token the provider forges with ``forge``: it must sign nobody in."""
    browser = Browser(rp)
    path = flow.authorize(op, flow.start(browser, op))
    op.forge = forge
    try:
        answer = browser.get(path)
    finally:
        op.forge = None
    flow.refused(browser, answer, what, hint)


@check(LAB, points=2)
def check_aud(create_app: Callable) -> None:
    """ID tokens for another client are refused: another aud, and several audiences with another azp."""
    _forged(create_app, {
        f"has aud={'another-client'!r}": lambda claims, op: op.sign({**claims, "aud": "another-client"}),
        "has aud=['another-client']": lambda claims, op: op.sign({**claims, "aud": ["another-client"]}),
        "lists you among several audiences but names another azp (authorized party)":
            lambda claims, op: op.sign({**claims, "aud": [op.client_id, "another-client"], "azp": "another-client"}),
    }, "pass audience=client_id to jwt.decode, and when aud lists several clients require azp == client_id "
       "(OIDC Core §3.1.3.7 steps 3-5)")
    ok("ID tokens issued to another client (aud, and azp when there are several audiences) were refused")


@check(LAB, points=1)
def check_iss(create_app: Callable) -> None:
    """An ID token from another issuer is refused, and so is a callback whose iss parameter names another (mix-up)."""
    hint = ("pass issuer=<the discovered issuer> to jwt.decode, and compare the callback's iss parameter with it when "
            "the provider sends one (RFC 9207)")
    _forged(create_app, {f"has iss={ATTACKER!r}": lambda claims, op: op.sign({**claims, "iss": ATTACKER})}, hint)
    with _session(create_app) as (op, rp):
        flow.signed_in(Browser(rp), op)
        browser = Browser(rp)
        started = flow.start(browser, op)
        op.response_iss = ATTACKER
        path = flow.authorize(op, started)
        op.response_iss = None
        flow.refused(browser, browser.get(path), f"a callback with iss={ATTACKER!r} (RFC 9207)", hint)
    ok("an ID token from another issuer, and a callback naming another issuer, were refused")


def _flipped(token: str) -> str:
    head, payload, signature = token.split(".")
    raw = bytearray(b64url_decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return f"{head}.{payload}.{b64url(bytes(raw))}"


@check(LAB, points=2)
def check_signature(create_app: Callable) -> None:
    """ID tokens whose signature is wrong are refused: a flipped bit, and another key under the provider's kid."""
    _forged(create_app, {
        "has a signature with one bit flipped": lambda claims, op: _flipped(op.sign(claims)),
        "is signed by another key under the provider's kid":
            lambda claims, op: SigningKey(op.keys[0].algorithm, op.keys[0].kid).sign(claims),
    }, "verify the signature with the provider's key for the token's kid (jwt.PyJWKClient(jwks_uri)) and refuse the "
       "token when jwt.decode raises; never fall back to reading it unverified")
    ok("ID tokens with a wrong signature were refused")


@check(LAB, points=1)
def check_alg_none(create_app: Callable) -> None:
    """Unsigned ID tokens (alg "none") are refused."""
    def unsigned(signature: bool) -> Callable:
        def forge(claims: dict, op: TestProvider) -> str:
            real = op.sign(claims)
            head = b64url(b'{"alg":"none","typ":"JWT","kid":"%s"}' % op.keys[0].kid.encode())
            return f"{head}.{real.split('.')[1]}.{real.split('.')[2] if signature else ''}"
        return forge

    _forged(create_app, {'has alg "none" and no signature': unsigned(False),
                         'has alg "none" and the signature of a real token': unsigned(True)},
            "pin the algorithms to the asymmetric ones the provider offers (ES256, RS256): algorithms=[...] in "
            "jwt.decode, never the token's own alg")
    ok('ID tokens with alg "none" were refused')


@check(LAB, points=1)
def check_hs256(create_app: Callable) -> None:
    """ID tokens signed HS256 with the client secret are refused: the provider signs only with its private keys."""
    def hs256(kid: bool) -> Callable:
        return lambda claims, op: jwt.encode(claims, op.client_secret, algorithm="HS256",
                                             headers={"kid": op.keys[0].kid} if kid else None)

    _forged(create_app, {"is signed HS256 with your client secret, under the provider's kid": hs256(True),
                         "is signed HS256 with your client secret, without kid": hs256(False)},
            "accept only the asymmetric algorithms the provider's discovery offers (ES256, RS256): whoever knows the "
            "client secret could otherwise mint ID tokens")
    ok("ID tokens signed HS256 with the client secret were refused")


@check(LAB, points=1)
def check_expired(create_app: Callable) -> None:
    """Expired ID tokens (leeway at most 60 s) and ID tokens without exp are refused."""
    def dated(exp_ago: int | None) -> Callable:
        def forge(claims: dict, op: TestProvider) -> str:
            if exp_ago is None:
                return op.sign({name: value for name, value in claims.items() if name != "exp"})
            now = int(time.time())
            return op.sign({**claims, "iat": now - exp_ago - 300, "exp": now - exp_ago})
        return forge

    _forged(create_app, {"expired half an hour ago": dated(1800),
                         f"expired {MAX_LEEWAY + 15} s ago": dated(MAX_LEEWAY + 15),
                         "has no exp": dated(None)},
            f'let jwt.decode check exp with a leeway of {MAX_LEEWAY} s at most, and require it: '
            'options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]}')
    ok(f"expired ID tokens (also {MAX_LEEWAY + 15} s after exp) and one without exp were refused")


@check(LAB, points=2)
def check_nonce(create_app: Callable) -> None:
    """ID tokens without the nonce of this login, or with the nonce of another login, are refused."""
    with _session(create_app) as (op, rp):
        other = flow.start(Browser(rp), op).params.get("nonce") or secrets.token_urlsafe(32)
    _forged(create_app, {
        "has no nonce": lambda claims, op: op.sign({k: v for k, v in claims.items() if k != "nonce"}),
        "carries the nonce of another login": lambda claims, op: op.sign({**claims, "nonce": other}),
    }, "keep the nonce you sent with this browser's login and require the ID token's nonce to equal it "
       "(hmac.compare_digest): a token replayed from another login carries another nonce (OIDC Core §3.1.3.7 step 11)")
    ok("ID tokens without this login's nonce were refused")


@check(LAB, points=1)
def check_replay(create_app: Callable) -> None:
    """A callback URL used once opens no second session, even when the provider would take its code again."""
    with _session(create_app) as (op, rp):
        op.reusable_codes = True  # a provider that forgot OAuth 2.1 §4.1.2: the client must not rely on it
        browser = Browser(rp)
        started = flow.start(browser, op)
        path = flow.authorize(op, started)
        before = dict(browser.cookies)
        first = browser.get(path)
        if browser.profile().status_code != 200:
            fail(f"the login to replay did not sign in (/callback answered {first.status_code} "
                 f"{first.text[:80]!r})", "make check_login pass first")
        again = Browser(rp, before)
        flow.refused(again, again.get(path), "the same callback URL opened a second time (same code and state, "
                                             "the cookies from before the first visit)",
                     "take the login out of your store when its callback arrives (pop, not get): a state is good for "
                     "one callback only (RFC 9700 §2.1)")
    ok("a used callback URL, replayed, opened no new session")


@check(LAB, points=1)
def check_logout(create_app: Callable) -> None:
    """POST /logout ends the session on the server: a copy of the old cookie no longer opens /profile."""
    with _session(create_app) as (op, rp):
        browser = Browser(rp)
        flow.signed_in(browser, op)
        copied = dict(browser.cookies)
        answer = browser.post("/logout")
        if not 200 <= answer.status_code < 400:
            fail(f"POST /logout answered {answer.status_code} {answer.text[:80]!r}",
                 "end the session and answer 200, or redirect (to the provider's end_session_endpoint, say)")
        json_error(Browser(rp, copied).profile(), "GET /profile with a copy of the cookies from before POST /logout",
                   401)
        ok("after POST /logout a copy of the old session cookie got 401: the session ended on the server")


@check(LAB, points=1)
def check_robustness(create_app: Callable) -> None:
    """Provider errors, missing or repeated parameters and garbage codes get a 4xx JSON error, never a 500."""
    hint = ("check every parameter before you use it (request.args.get, one value each) and answer a JSON error "
            "with a 4xx status; never let an exception become a 500")
    with _session(create_app) as (op, rp):
        browser = Browser(rp)
        flow.signed_in(browser, op)
        names = sorted(browser.cookies)
        for label, cookies in {"no cookie": {}, "garbage cookies": {name: "garbage" for name in names}}.items():
            json_error(Browser(rp, cookies).profile(), f"GET /profile with {label}", 401)
        if rp.post("/logout").status_code >= 500:
            fail("POST /logout without a session crashed", "logging out without a session has nothing to end")
        ok("GET /profile without a session got 401 with a JSON error; POST /logout without one did not crash")
        cases = {
            "error=access_denied (the user said no)": lambda path: flow.replace(path, code=None, error="access_denied"),
            "no code": lambda path: flow.replace(path, code=None),
            "a garbage code": lambda path: flow.replace(path, code="garbage"),
            "the code twice": lambda path: path + "&code=garbage",
            "the state twice": lambda path: path + "&state=" + (flow.param(path, "state") or "x"),
        }
        for label, change in cases.items():
            browser = Browser(rp)
            path = flow.authorize(op, flow.start(browser, op))
            flow.refused(browser, browser.get(change(path)), f"a callback with {label}", hint)
        browser = Browser(rp)
        flow.refused(browser, browser.get("/callback"), "GET /callback with no parameters and no login started", hint)
    ok(f"{len(cases) + 1} broken callbacks (provider errors, missing and repeated parameters, garbage codes) got a "
       "4xx JSON error and no session")


# --- hidden tests --------------------------------------------------------------------------------------------


@check(LAB, points=0)
def check_real_provider(create_app: Callable) -> None:
    """The whole flow against the course's provider (authlab.oidc, on Authlib): sign in, /profile, sign out."""
    from authlib.oauth2.rfc7636 import CodeChallenge

    from authlab.oidc import Client, Users, provider_app

    username, password = f"lab5-{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    # PKCE stays Authlib's optional default here: check_authorize judges it, so one mistake costs one check
    op_app = provider_app(clients=[], users=Users({username: password}), name="lab5-course-provider",
                          pkce=CodeChallenge(required=False))
    secret = secrets.token_urlsafe(24)
    with serving(op_app, "lab5-course-provider") as site:
        app = call_student(create_app, site.url, CLIENT_ID, secret,
                           what=f"create_app({site.url!r}, {CLIENT_ID!r}, <client secret>)")
        with serving(app, LAB) as rp:
            op_app.register(Client(CLIENT_ID, [rp.url + "/callback"], client_secret=secret))
            browser = Browser(rp)
            login = browser.get("/login")
            location = login.headers.get("Location", "")
            if not location.startswith(site.url + "/authorize?"):
                fail(f"GET /login at the course's provider redirected to {location[:80]!r}",
                     f"redirect to the authorization_endpoint of {site.url}/.well-known/openid-configuration")
            form = requests.post(location, data={"username": username, "password": password},
                                    allow_redirects=False, timeout=10)
            if form.status_code != 302:
                fail(f"the course's provider refused your authorization request: {form.text[:160]!r}",
                     "send response_type=code, client_id, redirect_uri, scope openid, state, nonce and S256 PKCE")
            target = form.headers["Location"]
            answer = browser.get(target[len(rp.url):] if target.startswith(rp.url) else target)
            profile = browser.profile()
            body = profile.json() if profile.headers.get("Content-Type", "").startswith("application/json") else {}
            if profile.status_code != 200 or body.get("sub") != username:
                fail(f"after signing in at the course's provider, /callback answered {answer.status_code} "
                     f"{answer.text[:100]!r} and GET /profile {profile.status_code} {profile.text[:60]!r}",
                     "use only what discovery says: endpoints, jwks_uri, id_token_signing_alg_values_supported")
            browser.post("/logout")
            if browser.profile().status_code == 200:
                fail("after POST /logout the browser was still signed in", "end the session on the server")
    ok(f"signed in as {username!r} at the course's provider (Authlib), and out again")


@check(LAB, points=0)
def check_key_rotation(create_app: Callable) -> None:
    """RS256 keys rotated after create_app: the new kid's key is fetched from the JWKS, the removed key is refused."""
    with _session(create_app, "RS256") as (op, rp):
        old = op.keys[0]
        op.rotate()
        browser = Browser(rp)
        flow.signed_in(browser, op, "a login signed with the provider's new key (kid "
                                    f"{op.keys[0].kid!r}, RS256, published after create_app ran)")
        _refused_forgery(op, rp, lambda claims, _op: old.sign(claims),
                         "a login whose ID token was signed by the key the provider removed",
                         "take the keys from the provider's JWKS when you validate (jwt.PyJWKClient refetches "
                         "them when it meets a kid it does not know); never keep one key forever")
    ok("after a key rotation the new key was fetched from the JWKS, and the removed one was refused")


CHECKS = [
    check_authorize,
    check_login,
    check_session_cookie,
    check_state,
    check_aud,
    check_iss,
    check_signature,
    check_alg_none,
    check_hs256,
    check_expired,
    check_nonce,
    check_replay,
    check_logout,
    check_robustness,
]
