"""A browser walking the code flow for the lab 5 checks: the relying party's cookies, its redirects, what it saw.

``start`` asks the relying party for ``/login`` and reads the authorization request it redirects to; ``authorize``
takes that request to the provider (which approves at once) and returns the callback URL the provider sends the
browser back to; the browser then opens it. ``refused`` judges an answer that must not sign anyone in.
"""

from __future__ import annotations

import binascii
import dataclasses
import zlib
from urllib.parse import parse_qsl, unquote, urlsplit

import requests

from authlab.checks._core import REQUEST_TIMEOUT, Probe, fail, set_cookies
from authlab.checks._jwt import b64url_decode

DISCOVERY = "read the endpoints from {issuer}/.well-known/openid-configuration; never hard-code a path"


class Browser:
    """One browser's cookies for the relying party (kept as a browser keeps them) and every answer it got."""

    def __init__(self, rp: Probe, cookies: dict[str, str] | None = None):
        self.rp, self.cookies = rp, dict(cookies or {})
        self.seen: list[tuple[str, requests.Response]] = []

    def get(self, path: str) -> requests.Response:
        return self._keep(f"GET {path}", self.rp.get(path, cookies=dict(self.cookies)))

    def post(self, path: str) -> requests.Response:
        return self._keep(f"POST {path}", self.rp.post(path, cookies=dict(self.cookies)))

    def _keep(self, label: str, response: requests.Response) -> requests.Response:
        for name, morsel in set_cookies(response).items():
            if not morsel.value or morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)  # a deletion
            else:
                self.cookies[name] = morsel.value
        self.seen.append((label, response))
        return response

    def profile(self) -> requests.Response:
        return self.get("/profile")


@dataclasses.dataclass
class Started:
    """A login the relying party started: its answer to /login and the authorization request in its Location."""

    response: requests.Response
    location: str
    params: dict[str, str]
    pairs: list[tuple[str, str]]


def start(browser: Browser, op) -> Started:
    """``GET /login``: it must redirect to the discovered authorization endpoint."""
    response = browser.get("/login")
    location = response.headers.get("Location", "")
    if response.status_code not in (302, 303, 307) or not location:
        fail(f"GET /login returned {response.status_code} {response.text[:80]!r}, not a redirect",
             "answer GET /login with redirect(<authorization_endpoint>?<parameters>) (302)")
    endpoint = op.metadata()["authorization_endpoint"]
    base, _, query = location.partition("?")
    if base != endpoint:
        fail(f"GET /login redirected to {base!r}, not to the authorization_endpoint {endpoint!r} named by discovery",
             DISCOVERY.format(issuer=op.issuer))
    pairs = parse_qsl(query, keep_blank_values=True)
    return Started(response, location, dict(pairs), pairs)


def authorize(op, started: Started) -> str:
    """Take the authorization request to the provider; the callback (path and query) it sends the browser to."""
    answer = requests.get(started.location, allow_redirects=False, timeout=REQUEST_TIMEOUT)
    if answer.status_code != 302:
        fail(f"the provider refused your authorization request ({answer.status_code} {answer.text[:160]!r})",
             "send response_type=code, your client_id and redirect_uri=url_for('callback', _external=True)")
    target = urlsplit(answer.headers["Location"])
    return f"{target.path}?{target.query}"


def log_in(browser: Browser, op) -> tuple[Started, str, requests.Response]:
    """A whole login in ``browser``: the start, the callback path, the relying party's answer to it."""
    started = start(browser, op)
    path = authorize(op, started)
    return started, path, browser.get(path)


def signed_in(browser: Browser, op, label: str = "a correct login (the provider behaving)") -> requests.Response:
    """Log in and require ``/profile`` to work afterwards: the control that makes every refusal mean something."""
    _, _, answer = log_in(browser, op)
    profile = browser.profile()
    if profile.status_code != 200:
        fail(f"after {label}, /callback answered {answer.status_code} {answer.text[:100]!r} and GET /profile "
             f"{profile.status_code}, so no refusal here can mean anything", "make check_login pass first")
    return profile


def refused(browser: Browser, response: requests.Response, label: str, hint: str) -> None:
    """``response`` must be a 4xx with a JSON error, and the browser must not be signed in afterwards."""
    profile = browser.profile()
    if profile.status_code == 200:
        fail(f"{label} signed the browser in (/callback answered {response.status_code}, then GET /profile 200)",
             hint)
    if not 400 <= response.status_code < 500:
        fail(f"{label} was answered {response.status_code}, not a 4xx error", hint)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        fail(f"{label} was answered {response.status_code} with {response.text[:60]!r}, not a JSON error",
             'answer errors with JSON, e.g. return {"error": "..."}, 400')


def replace(path: str, **changes: str | None) -> str:
    """The callback ``path`` with query parameters changed (None drops one)."""
    base, _, query = path.partition("?")
    pairs = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True) if name not in changes]
    pairs += [(name, value) for name, value in changes.items() if value is not None]
    return base + "?" + "&".join(f"{name}={requests.utils.quote(value, safe='')}" for name, value in pairs)


def param(path: str, name: str) -> str | None:
    """The value of query parameter ``name`` in ``path`` (the last one, if repeated)."""
    return dict(parse_qsl(path.partition("?")[2], keep_blank_values=True)).get(name)


def readings(value: str) -> list[str]:
    """A cookie value and what it decodes to: URL-decoded, each dot-separated part base64url- and zlib-decoded."""
    found = [value, unquote(value)]
    for part in unquote(value).split("."):
        try:
            raw = b64url_decode(part)
        except (binascii.Error, ValueError):
            continue
        for data in (raw, _inflated(raw)):
            if data:
                found.append(data.decode("utf-8", "replace"))
    return found


def _inflated(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:
        return b""


def token_leak(tokens: dict[str, str], browser: Browser) -> str | None:
    """Where the browser saw one of ``tokens`` (name -> value): a cookie, a body, a header such as Location."""
    for label, response in browser.seen:
        places = {"the body": response.text, "the Location header": response.headers.get("Location", "")}
        places.update({f"the header {name}": value for name, value in response.headers.items()
                       if name.lower() not in ("location", "set-cookie")})
        for name, morsel in set_cookies(response).items():
            places[f"the cookie {name!r}"] = "\n".join(readings(morsel.value))
        for name, token in tokens.items():
            needle = token.rsplit(".", 1)[-1] if token.count(".") == 2 else token  # a JWT's signature is enough
            for place, text in places.items():
                if needle and needle in text:
                    return f"the {name} was in {place} of the answer to {label}"
    return None
