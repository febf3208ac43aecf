"""The course's relying party: a backend-for-frontend that signs users in with OpenID Providers.

    course = oidc.Provider(op.url, "course-app", "course-app-secret")
    rp = authlab.serve(oidc.client_app(course))
    # register rp.url + "/callback" at the provider, then open rp.url + "/login"

``GET /login`` starts the code flow: ``state``, ``nonce`` and a PKCE S256 verifier are made with
``secrets`` and kept on the server, under an HttpOnly ``…_flow`` cookie of this browser.
``GET /callback`` checks ``state`` (login CSRF), the ``iss`` parameter (RFC 9207, mix-up), trades
the code and verifier for tokens over the back channel and validates the ID token
(``id_tokens.validate_id_token``). The browser then holds only an HttpOnly, SameSite=Lax
session cookie; the tokens stay here (``GET /me`` says who is signed in, ``GET /api/profile``
calls the provider's userinfo with the access token). ``POST /logout`` ends the session here
and at the provider (RP-initiated logout). ``GET /nonce`` and ``POST /session`` accept an ID
token a page obtained itself (as "Sign in with…" buttons post one), bound to this browser's nonce.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

import requests
from flask import Flask, Response, jsonify, redirect, request

from authlab.oidc.id_tokens import IdTokenError, validate_id_token

_STORAGE_PAGE = """<!doctype html><title>Signed in</title>
<script>localStorage.setItem("tokens", JSON.stringify({tokens}));</script><p>Signed in.</p>"""
FLOW_LIFETIME = 600  # seconds a started login may take
TIMEOUT = 10

__all__ = ["Provider", "client_app", "pkce_pair"]


def pkce_pair() -> tuple[str, str]:
    """A fresh PKCE code verifier and its S256 challenge (RFC 7636 §4.1, §4.2)."""
    verifier = secrets.token_urlsafe(48)  # 64 characters of [A-Za-z0-9_-]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclasses.dataclass
class Provider:
    """An OpenID Provider this client is registered with; discovery and JWKS are fetched on first use."""

    issuer: str
    client_id: str
    client_secret: str | None = None
    scope: str = "openid profile email"
    _metadata: dict | None = dataclasses.field(default=None, repr=False)
    _jwks: dict | None = dataclasses.field(default=None, repr=False)

    def metadata(self) -> dict:
        if self._metadata is None:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            metadata = requests.get(url, timeout=TIMEOUT).json()
            if metadata.get("issuer") != self.issuer:  # OIDC Discovery 1.0 §4.3
                raise ValueError(f"discovery at {url} names issuer {metadata.get('issuer')!r}, not {self.issuer!r}")
            self._metadata = metadata
        return self._metadata

    def jwks(self, refresh: bool = False) -> dict:
        if self._jwks is None or refresh:
            self._jwks = requests.get(self.metadata()["jwks_uri"], timeout=TIMEOUT).json()
        return self._jwks

    def token_request(self, data: dict) -> requests.Response:
        auth = (self.client_id, self.client_secret) if self.client_secret else None
        if auth is None:
            data = {**data, "client_id": self.client_id}
        return requests.post(self.metadata()["token_endpoint"], data=data, auth=auth, timeout=TIMEOUT)


@dataclasses.dataclass
class _Flow:
    provider: str
    state: str
    nonce: str
    verifier: str
    started: float = dataclasses.field(default_factory=time.time)


class _Memory:
    """Started logins and sessions, by cookie value, behind a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.flows: dict[str, _Flow] = {}
        self.sessions: dict[str, dict] = {}

    def take_flow(self, key) -> _Flow | None:
        with self.lock:
            flow = self.flows.pop(key, None) if isinstance(key, str) else None
        return flow if flow and time.time() < flow.started + FLOW_LIFETIME else None

    def session(self, key) -> dict | None:
        with self.lock:
            return self.sessions.get(key) if isinstance(key, str) else None


Verify = Callable[..., dict]


def client_app(*providers: Provider, name: str = "relying-party") -> Flask:
    """A relying party (backend-for-frontend) for one or more providers; ``/login?provider=N`` picks one."""
    return relying_party(providers, name=name)


def relying_party(
    providers, *, name: str, verify: Verify = validate_id_token, bind_browser: bool = True,
    check_iss: bool = True, hand_tokens: str | None = None,
) -> Flask:
    """The relying party with each of its checks switchable; only ``authlab.oidc.vulnerable`` turns one off.

    ``hand_tokens`` gives the tokens to the browser instead of keeping them: ``"url"`` in the
    query string of ``/welcome``, ``"storage"`` in a page that puts them in ``localStorage``.
    """
    if not providers:
        raise ValueError("give at least one Provider")
    by_index = dict(enumerate(providers))
    memory = _Memory()
    app = Flask(name)
    stem = re.sub(r"\W", "_", name.lower())
    flow_cookie, session_cookie = f"{stem}_flow", f"{stem}_session"

    def callback_url() -> str:
        return request.url_root + "callback"

    def set_cookie(response, cookie, value, max_age=None):
        response.set_cookie(cookie, value, max_age=max_age, httponly=True, samesite="Lax", path="/")
        return response

    def start_session(provider: Provider, claims: dict, token: dict | None):
        key = secrets.token_urlsafe(32)
        with memory.lock:
            memory.sessions[key] = {"provider": provider, "claims": claims, "token": token or {}}
        return key

    def refuse(message: str, status: int = 400):
        return jsonify(error=message), status

    @app.get("/")
    def index():
        session = memory.session(request.cookies.get(session_cookie))
        if session is None:
            return jsonify(signed_in=False, login=request.url_root + "login")
        return jsonify(signed_in=True, user=session["claims"]["sub"])

    @app.get("/login")
    def login():
        index = request.args.get("provider", "0")
        provider = by_index.get(int(index)) if index.isdigit() else None
        if provider is None:
            return refuse(f"no provider {index!r}; this client knows 0..{len(by_index) - 1}", 404)
        verifier, challenge = pkce_pair()
        flow = _Flow(index, secrets.token_urlsafe(16), secrets.token_urlsafe(16), verifier)
        params = {"response_type": "code", "client_id": provider.client_id, "redirect_uri": callback_url(),
                  "scope": provider.scope}
        if bind_browser:  # state, nonce and PKCE each tie the callback to this browser's login
            params.update(state=flow.state, nonce=flow.nonce, code_challenge=challenge, code_challenge_method="S256")
        else:
            flow = _Flow(index, "", "", "")
        key = secrets.token_urlsafe(32)
        with memory.lock:
            memory.flows[key] = flow
        response = redirect(provider.metadata()["authorization_endpoint"] + "?" + urlencode(params))
        return set_cookie(response, flow_cookie, key, FLOW_LIFETIME)

    @app.get("/callback")
    def callback():
        flow = memory.take_flow(request.cookies.get(flow_cookie))
        if flow is None and bind_browser:
            return refuse("no login was started in this browser (or it expired): start at /login")
        if bind_browser and not hmac.compare_digest(request.args.get("state", "").encode(), flow.state.encode()):
            return refuse("state does not match this browser's login: a forged callback (login CSRF)")
        flow = flow or _Flow("0", "", "", "")
        provider = by_index[int(flow.provider)]
        iss = request.args.get("iss")  # RFC 9207 §2.4: compared when present, required when advertised
        if check_iss and (iss is not None or provider.metadata().get("authorization_response_iss_parameter_supported")):
            if iss != provider.issuer:
                return refuse(f"iss {iss!r} is not the provider this login went to ({provider.issuer}): a mix-up")
        if "error" in request.args:
            return refuse(f"the provider said {request.args['error']}: {request.args.get('error_description', '')}")
        exchange = {"grant_type": "authorization_code", "code": request.args.get("code", ""),
                    "redirect_uri": callback_url()}
        if flow.verifier:
            exchange["code_verifier"] = flow.verifier
        answer = provider.token_request(exchange)
        token = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
        if answer.status_code != 200 or "id_token" not in token:
            return refuse(f"the token endpoint refused the code: {token.get('error', answer.status_code)}", 502)
        try:
            claims = verify_with_rotation(provider, token["id_token"], flow.nonce or None)
        except IdTokenError as error:
            return refuse(f"ID token refused: {error}", 401)
        if hand_tokens == "storage":
            response = Response(_STORAGE_PAGE.format(tokens=json.dumps(token).replace("<", "\\u003c")),
                                mimetype="text/html")
        else:
            target = "/"
            if hand_tokens == "url":
                target = "/welcome?" + urlencode({"access_token": token["access_token"], "id_token": token["id_token"]})
            response = set_cookie(redirect(target), session_cookie, start_session(provider, claims, token))
        response.delete_cookie(flow_cookie, path="/")
        return response

    def verify_with_rotation(provider: Provider, id_token: str, nonce: str | None) -> dict:
        args = dict(issuer=provider.issuer, client_id=provider.client_id, nonce=nonce)
        try:
            return verify(id_token, provider.jwks(), **args)
        except IdTokenError as error:
            if "no key with kid" not in str(error):
                raise
            return verify(id_token, provider.jwks(refresh=True), **args)  # the provider rotated its keys

    @app.get("/nonce")
    def nonce():
        flow = _Flow("0", "", secrets.token_urlsafe(16), "")
        key = secrets.token_urlsafe(32)
        with memory.lock:
            memory.flows[key] = flow
        return set_cookie(jsonify(nonce=flow.nonce), flow_cookie, key, FLOW_LIFETIME)

    @app.post("/session")
    def session_from_id_token():
        flow = memory.take_flow(request.cookies.get(flow_cookie))
        provider = by_index[0]
        id_token = request.form.get("id_token") or (request.get_json(silent=True) or {}).get("id_token")
        try:
            claims = verify_with_rotation(provider, id_token, flow.nonce if flow else "")
        except IdTokenError as error:
            return refuse(f"ID token refused: {error}", 401)
        response = set_cookie(jsonify(user=claims["sub"]), session_cookie, start_session(provider, claims, None))
        response.delete_cookie(flow_cookie, path="/")
        return response

    @app.get("/me")
    def me():
        session = memory.session(request.cookies.get(session_cookie))
        if session is None:
            return refuse("not signed in", 401)
        return jsonify(user=session["claims"]["sub"], email=session["claims"].get("email"))

    @app.get("/api/profile")
    def profile():
        session = memory.session(request.cookies.get(session_cookie))
        if session is None or "access_token" not in session["token"]:
            return refuse("not signed in", 401)
        provider: Provider = session["provider"]
        answer = requests.get(provider.metadata()["userinfo_endpoint"], timeout=TIMEOUT,
                              headers={"Authorization": f"Bearer {session['token']['access_token']}"})
        return jsonify(answer.json()), answer.status_code

    if hand_tokens == "url":

        @app.get("/welcome")
        def welcome():
            return "<!doctype html><title>Welcome</title><p>Signed in.</p>"

    @app.post("/logout")
    def logout():
        with memory.lock:
            session = memory.sessions.pop(request.cookies.get(session_cookie, ""), None)
        response = redirect("/")
        if session is not None and session["token"].get("id_token"):
            provider: Provider = session["provider"]
            end = provider.metadata().get("end_session_endpoint")
            if end:
                hint = {"id_token_hint": session["token"]["id_token"], "post_logout_redirect_uri": request.url_root,
                        "client_id": provider.client_id}
                response = redirect(end + "?" + urlencode(hint))
        response.delete_cookie(session_cookie, path="/")
        return response

    return app
