"""Interoperability with OpenID Connect software not written here, started locally by each test.

* the course's provider (``oidc.provider_app``) with pyoidc's client (PyPI ``oic``, in the ``test`` extra):
  discovery, the code flow with S256 PKCE, ID token verification by pyoidc, userinfo, refresh;
* the course's relying party (``oidc.client_app``, the lesson 09 backend-for-frontend), and lab 5's solved
  ``create_app``, with node-oidc-provider (npm ``oidc-provider``) run by the machine's ``node``. The test
  installs it from npm into a cache folder (``$AUTHLAB_NPM_CACHE``, default ``~/.cache/authlab/npm``) the
  first time and skips when node, npm or the registry is missing.
"""

from __future__ import annotations

import html.parser
import json
import os
import secrets
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest
import requests

import authlab
from authlab import oidc
from authlab.grading.source import find_lab

NODE_PROVIDER = "oidc-provider@9.13.3"
NODE_SCRIPT = Path(__file__).parent / "interop" / "node_provider.mjs"
CALLBACK = "http://127.0.0.1:8000/cb"


# -- pyoidc against the course's provider ---------------------------------------------------


@pytest.fixture
def pyoidc_flow():
    """A pyoidc client, registered and configured by discovery, and a helper that signs alice in."""
    message = pytest.importorskip("oic.oic.message")
    from oic.oic import Client as PyoidcClient
    from oic.utils.authn.client import CLIENT_AUTHN_METHOD

    app = oidc.provider_app(clients=[oidc.Client("pyoidc", [CALLBACK], client_secret="pyoidc-secret")])
    with authlab.serve(app, name="interop-op", show=False) as op:
        client = PyoidcClient(client_authn_method=CLIENT_AUTHN_METHOD)
        client.provider_config(op.url)  # discovery; pyoidc checks the issuer and loads the JWKS
        client.store_registration_info(message.RegistrationResponse(
            client_id="pyoidc", client_secret="pyoidc-secret", redirect_uris=[CALLBACK]))

        def sign_in(state: str, nonce: str):
            pkce, verifier = client.add_code_challenge()  # pyoidc's own PKCE (S256 by default)
            request = client.construct_AuthorizationRequest(request_args={
                "client_id": "pyoidc", "response_type": "code", "scope": ["openid", "email"], "nonce": nonce,
                "redirect_uri": CALLBACK, "state": state, **pkce})
            browser = requests.Session()
            form = browser.get(request.request(client.authorization_endpoint))
            back = browser.post(form.url, data={"username": "alice", "password": "secret123"}, allow_redirects=False)
            answer = client.parse_response(message.AuthorizationResponse, sformat="urlencoded",
                                           info=urlsplit(back.headers["Location"]).query)
            return answer, verifier

        yield op, client, sign_in


def test_pyoidc_client_signs_in_at_the_course_provider(pyoidc_flow):
    op, client, sign_in = pyoidc_flow
    assert client.provider_info["code_challenge_methods_supported"] == ["S256"]
    state, nonce = secrets.token_urlsafe(8), secrets.token_urlsafe(8)
    answer, verifier = sign_in(state, nonce)
    assert answer["state"] == state and answer["iss"] == op.url
    token = client.do_access_token_request(
        state=state, authn_method="client_secret_basic",
        request_args={"code": answer["code"], "code_verifier": verifier, "redirect_uri": CALLBACK})
    id_token = token["id_token"]  # pyoidc verified its signature with the JWKS, and iss, aud, exp
    assert id_token["sub"] == "alice" and id_token["iss"] == op.url and id_token["nonce"] == nonce
    assert id_token.jws_header["alg"] == "ES256"
    info = client.do_user_info_request(state=state, method="GET")
    assert info["sub"] == "alice" and info["email"] == "alice@example.org"
    renewed = client.do_access_token_refresh(state=state, authn_method="client_secret_basic")
    assert renewed["refresh_token"] != token["refresh_token"]


def test_pyoidc_refuses_a_tampered_id_token(pyoidc_flow):
    from jwkest import BadSignature
    from oic.oic.message import AccessTokenResponse

    op, client, sign_in = pyoidc_flow
    state = secrets.token_urlsafe(8)
    answer, verifier = sign_in(state, secrets.token_urlsafe(8))
    raw = requests.post(op.url + "/token", auth=("pyoidc", "pyoidc-secret"), data={
        "grant_type": "authorization_code", "code": answer["code"], "code_verifier": verifier,
        "redirect_uri": CALLBACK}).json()
    header, payload, signature = raw["id_token"].split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    raw["id_token"] = ".".join([header, payload, flipped])
    with pytest.raises(BadSignature):
        client.parse_response(AccessTokenResponse, info=json.dumps(raw), sformat="json", state=state)


# -- the course's relying party against node-oidc-provider ----------------------------------


def _node_provider_folder() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are needed for the node-oidc-provider test (apt-get install nodejs npm)")
    folder = Path(os.environ.get("AUTHLAB_NPM_CACHE", Path.home() / ".cache" / "authlab" / "npm")) / NODE_PROVIDER
    if not (folder / "node_modules" / "oidc-provider" / "package.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), NODE_PROVIDER],
                                   capture_output=True, text=True, timeout=300)
        if installed.returncode != 0:
            pytest.skip(f"npm install {NODE_PROVIDER} failed (no registry?): {installed.stderr[-300:]}")
    shutil.copy(NODE_SCRIPT, folder / NODE_SCRIPT.name)  # ESM imports resolve from the script's folder
    return folder


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def node_provider_for():
    """Start node-oidc-provider for one client; yields a function (client_id, secret, rp_url) -> issuer."""
    folder = _node_provider_folder()
    processes = []

    def start(client_id: str, secret: str, rp_url: str) -> str:
        port = _free_port()
        process = subprocess.Popen(
            ["node", NODE_SCRIPT.name, str(port), client_id, secret, rp_url + "/callback", rp_url + "/"],
            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(process)
        line = process.stdout.readline()  # "ready", or nothing if it died
        if line.strip() != "ready":
            process.kill()
            pytest.fail(f"node-oidc-provider did not start: {process.stderr.read()[-800:]}")
        return f"http://127.0.0.1:{port}"

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


class _FirstForm(html.parser.HTMLParser):
    """The first <form> of a page: its action, method and named inputs (buttons included)."""

    def __init__(self):
        super().__init__()
        self.action, self.method, self.fields, self._done = None, "get", {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None and not self._done:
            self.action, self.method = attrs.get("action", ""), attrs.get("method", "get").lower()
        elif tag in ("input", "button") and self.action is not None and not self._done and attrs.get("name"):
            self.fields.setdefault(attrs["name"], attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form" and self.action is not None:
            self._done = True


def submit_first_form(browser: requests.Session, page: requests.Response, **values) -> requests.Response:
    form = _FirstForm()
    form.feed(page.text)
    assert form.action is not None, f"no form on {page.url}: {page.text[:300]}"
    return browser.request(form.method.upper(), urljoin(page.url, form.action), data={**form.fields, **values})


def test_course_relying_party_signs_in_at_node_oidc_provider(node_provider_for):
    secret = secrets.token_urlsafe(24)
    provider = oidc.Provider("http://placeholder", "course-rp", secret)
    with authlab.serve(oidc.client_app(provider), name="interop-rp", show=False) as rp:
        provider.issuer = node_provider_for("course-rp", secret, rp.url)
        browser = requests.Session()
        login = browser.get(rp.url + "/login")  # to node-oidc-provider's sign-in page (dev interactions)
        assert login.url.startswith(provider.issuer + "/interaction/")
        consent = submit_first_form(browser, login, login="alice", password="anything")
        landed = submit_first_form(browser, consent) if consent.url.startswith(provider.issuer) else consent
        assert landed.url == rp.url + "/", (landed.url, landed.text[:300])
        assert landed.json() == {"signed_in": True, "user": "alice"}
        assert browser.get(rp.url + "/api/profile").json()["email"] == "alice@node.example"

        logout = browser.post(rp.url + "/logout")  # RP-initiated logout: node-oidc-provider asks to confirm
        assert logout.url.startswith(provider.issuer + "/session/end")
        back = submit_first_form(browser, logout, logout="yes")
        assert back.url == rp.url + "/" and back.json()["signed_in"] is False



def _lab5_create_app():
    """``create_app`` of lab 5's solution: its setup and answer cells, executed here."""
    namespace: dict = {"__name__": "lab5_solution"}
    for cell in nbformat.read(find_lab("lab5").source, as_version=4).cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "code" and (grade_id == "setup" or grade_id.startswith("answer_")):
            exec(compile(cell.source, f"lab5[{grade_id}]", "exec"), namespace)
    return namespace["create_app"]


def test_lab5_solution_signs_in_at_node_oidc_provider(node_provider_for):
    secret, port = secrets.token_urlsafe(24), _free_port()
    rp_url = f"http://127.0.0.1:{port}"
    issuer = node_provider_for("lab5-rp", secret, rp_url)
    app = _lab5_create_app()(issuer, "lab5-rp", secret)  # discovery, then the keys from node's JWKS (RS256)
    with authlab.serve(app, name="interop-lab5", port=port, show=False) as rp:
        browser = requests.Session()
        login = browser.get(rp.url + "/login")
        assert login.url.startswith(issuer + "/interaction/"), login.url
        consent = submit_first_form(browser, login, login="alice", password="anything")
        landed = submit_first_form(browser, consent) if consent.url.startswith(issuer) else consent
        assert landed.url == rp.url + "/profile", (landed.url, landed.text[:300])
        assert landed.json()["sub"] == "alice"
        assert "lab5_session" in browser.cookies
        logout = browser.post(rp.url + "/logout", allow_redirects=False)
        assert logout.status_code == 302 and logout.headers["Location"].startswith(issuer + "/session/end")
        assert browser.get(rp.url + "/profile").status_code == 401
