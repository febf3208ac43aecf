"""Cookies as a browser keeps them: which cookie is the session, and which routes get it back.

A browser stores a Set-Cookie under the rules of RFC 6265 (Path, Domain, expiry) and
sends it only to matching URLs; ``requests``' jar follows the same rules, so the checks
ask it. A cookie with ``Path=/profile`` never reaches ``/logout``, and a ``Domain``
attribute hands the cookie to every subdomain.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

import requests
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar

from authlab.checks._core import Probe, fail, set_cookies


def jar_of(response: requests.Response, jar: RequestsCookieJar | None = None) -> RequestsCookieJar:
    """The cookie jar of a browser that got ``response`` (added to ``jar`` when given)."""
    jar = jar if jar is not None else RequestsCookieJar()
    extract_cookies_to_jar(jar, response.request, response.raw)
    return jar


def sent_to(jar: RequestsCookieJar, url: str, method: str = "GET") -> dict[str, str]:
    """The cookies a browser holding ``jar`` sends with ``method url``."""
    header = requests.Request(method, url, cookies=jar).prepare().headers.get("Cookie", "")
    cookie = SimpleCookie()
    cookie.load(header)
    return {name: morsel.value for name, morsel in cookie.items()}


def session_cookie(probe: Probe, response: requests.Response, route: str = "/profile") -> tuple[str, str]:
    """The (name, value) of the cookie set by a login ``response`` that, alone, opens ``route``."""
    if response.status_code != 200:
        fail(f"POST /login with the right password returned {response.status_code}", "it must return 200")
    cookies = {name: morsel.value for name, morsel in set_cookies(response).items() if morsel.value}
    if not cookies:
        fail("POST /login with the right password set no cookie",
             "store the new session ID with response.set_cookie(COOKIE_NAME, session_id, ...)")
    for name, value in cookies.items():
        if probe.get(route, cookies={name: value}).status_code == 200:
            return name, value
    fail(f"POST /login set the cookies {sorted(cookies)}, and none of them alone opens GET {route}",
         "keep the session ID in one cookie and look it up in your store in that route")


def reaches(probe: Probe, response: requests.Response, name: str, routes: list[tuple[str, str]]) -> None:
    """A browser that got ``response`` sends the cookie ``name`` to every (method, path) of ``routes``."""
    morsel = set_cookies(response)[name]
    if morsel["domain"]:
        fail(f"the cookie {name!r} has Domain={morsel['domain']}, so the browser also sends it to every subdomain",
             "leave out domain=...: without it only this host gets the cookie back")
    jar = jar_of(response)
    for method, path in routes:
        if name not in sent_to(jar, probe.url + path, method):
            fail(f"a browser does not send the cookie {name!r} (Path={morsel['path'] or '(none)'}) with "
                 f"{method} {path}, so that route never sees the session",
                 'set it with path="/" (the default of response.set_cookie)')
