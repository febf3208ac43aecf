"""Read ``Set-Cookie`` the way a reviewer does: every attribute explained, every missing protection flagged.

    report = inspect_cookies(response)                  # a requests Response: its redirects' cookies too
    report = inspect_cookies("sid=abc; Path=/; HttpOnly")  # or Set-Cookie header text (one cookie a line)
    report = inspect_cookies(session.cookies)           # or a cookie jar (what the client kept)
    report = inspect_cookies(response, secret_key=app.secret_key)   # also verify Flask's session cookie
    report["session"].contents, report["session"].status, report.warning_codes

Flask's session cookie (``[.]payload.timestamp.signature``, a leading dot meaning zlib-compressed) is decoded
and shown: it is signed, not encrypted, so anyone can read it. Given the app's ``secret_key`` its signature is
checked with Flask's own serializer. A cookie holding a JWT shows the token's payload.

Warning codes (``Finding.code``): no-httponly (on a session-looking cookie), no-samesite, no-secure,
samesite-none-insecure, bad-samesite, long-lifetime, host-prefix, secure-prefix, too-big, readable,
weak-secret. A header that deletes a cookie (Max-Age=0 or Expires in the past) is not flagged.
"""

from __future__ import annotations

import dataclasses
import email.utils
import json
import re
import zlib
from http.cookiejar import CookieJar
from typing import Any

from authlab.inspect import _render as r
from authlab.inspect.jwt import inspect_jwt
from authlab.inspect.verdicts import Finding, Status
from authlab.weak import weakness
from authlab.wire import b64url_decode, parse_set_cookie, set_cookie_headers, split_joined_set_cookie

__all__ = ["Cookie", "CookieInspection", "inspect_cookies"]

MAX_HEADER_BYTES = 64 * 1024
MAX_COOKIE_BYTES = 4096  # the least every browser must store (RFC 6265, 6.1), name and value together
ONE_DAY = 24 * 3600
MAX_LIFETIME = 30 * ONE_DAY
_FLASK_COOKIE = re.compile(r"(\.?)([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{1,8})\.([A-Za-z0-9_-]{27})")
_SESSION_NAMES = ("sess", "sid", "auth", "token", "jwt", "login", "remember", "identity", "user")
_ATTRIBUTES = {name.lower(): name for name in
               ("Expires", "Max-Age", "Domain", "Path", "Secure", "HttpOnly", "SameSite", "Partitioned", "Priority")}

EXPLANATIONS = {
    "Expires": "the browser keeps the cookie until this date (Max-Age wins when both are set)",
    "Max-Age": "the browser keeps the cookie this many seconds",
    "Domain": "sent to this domain and all its subdomains; leaving Domain out is safer (this host only)",
    "Path": "sent only with requests under this path; a convenience, not a security boundary",
    "Secure": "sent only over HTTPS, never over plain HTTP",
    "HttpOnly": "page JavaScript (document.cookie) cannot read it, so an XSS bug cannot steal it",
    "SameSite=Strict": "never sent on requests started by another site, not even when following a link",
    "SameSite=Lax": "sent when the user follows a link from another site, not on other sites' forms, frames or "
                    "fetches: blocks most CSRF",
    "SameSite=None": "sent on every cross-site request (needs Secure); only for cookies meant to work inside "
                     "other sites",
    "Partitioned": "stored separately for each top-level site that embeds this one (CHIPS)",
    "Priority": "a Chrome hint for which cookies to evict first",
}
MISSING = {
    "lifetime": "no Expires or Max-Age: a session cookie, dropped when the browser closes (unless it restores "
                "sessions)",
    "Domain": "no Domain: host-only, sent only to exactly the host that set it",
    "Path": "no Path: defaults to the directory of the URL that set it",
}


@dataclasses.dataclass
class Cookie:
    """One cookie as a ``Set-Cookie`` header (or a jar entry) described it, with what was found in it."""

    name: str
    value: str
    attributes: dict[str, str | bool]
    source: str = ""
    kind: str = "plain"  # plain, flask-session, jwt, deletion
    contents: Any = None  # what a Flask session or JWT value decodes to
    status: Status | None = None  # of the Flask session or JWT signature
    verdict: str = ""  # one line about the contents
    lifetime: float | None = None  # seconds; None for a browser-session cookie
    findings: list[Finding] = dataclasses.field(default_factory=list)

    @property
    def session_like(self) -> bool:
        return self.kind in ("flask-session", "jwt") or any(word in self.name.lower() for word in _SESSION_NAMES)

    @property
    def explanations(self) -> list[str]:
        """One sentence for every attribute present, and for the defaults that apply to the ones left out."""
        lines = []
        for name, value in self.attributes.items():
            key = f"SameSite={str(value).capitalize()}" if name == "SameSite" else name
            shown = name if value is True else f"{name}={value}"
            lines.append(f"{shown}: {EXPLANATIONS.get(key, 'an attribute browsers do not know; ignored')}")
        if "Expires" not in self.attributes and "Max-Age" not in self.attributes:
            lines.append(MISSING["lifetime"])
        lines += [MISSING[name] for name in ("Domain", "Path") if name not in self.attributes]
        return lines

    def __str__(self) -> str:
        lines = [f"{self.name} = {r.shorten(self.value, 100)}" + (f"   (from {self.source})" if self.source else "")]
        lines += [f"    {line}" for line in self.explanations]
        if self.verdict:
            lines.append(f"    contents: {self.verdict}")
            if self.contents is not None:
                lines.append("      " + r.shorten(json.dumps(self.contents, ensure_ascii=False, default=repr), 500))
        lines += [f"    ! {finding}" for finding in self.findings]
        return "\n".join(lines)


@dataclasses.dataclass
class CookieInspection:
    """Every cookie found, in the order it was set; ``report["name"]`` is the last one of that name."""

    cookies: list[Cookie]
    problems: list[str] = dataclasses.field(default_factory=list)  # headers that could not be read

    def __getitem__(self, name: str) -> Cookie:
        for cookie in reversed(self.cookies):
            if cookie.name == name:
                return cookie
        raise KeyError(f"no cookie named {name!r}; found: {', '.join(self.names) or 'none'}")

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __len__(self) -> int:
        return len(self.cookies)

    @property
    def names(self) -> list[str]:
        return [cookie.name for cookie in self.cookies]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for cookie in self.cookies for finding in cookie.findings]

    @property
    def warning_codes(self) -> set[str]:
        return {finding.code for finding in self.warnings}

    def __str__(self) -> str:
        if not self.cookies and not self.problems:
            return "no cookies set"
        lines = [f"{len(self.cookies)} cookie(s)"] + [str(cookie) for cookie in self.cookies]
        return "\n".join(lines + [f"! {problem}" for problem in self.problems])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = [_row(cookie) for cookie in self.cookies]
        parts = [r.table(("cookie", "value", "attributes", "contents", "warnings"), rows) if rows
                 else "<i>no cookies set</i>"]
        if self.problems:
            parts.append(r.finding_list(self.problems, "authlab-cookie-problems"))
        return '<div class="authlab-cookies">' + "".join(parts) + "</div>"


def inspect_cookies(source: Any, secret_key: str | bytes | None = None, *, now: Any = None) -> CookieInspection:
    """Describe and review every cookie in ``source``: a requests Response (with its redirect history),
    ``Set-Cookie`` header text (one cookie a line, ``Set-Cookie:`` prefix optional), a list of such headers,
    a cookie jar, or an ``authlab`` server's log entry. ``secret_key`` verifies a Flask session cookie;
    ``now`` fixes the clock for lifetimes. Never raises: unreadable input is listed in ``.problems``."""
    now_ts = r.now_timestamp(now)
    report = CookieInspection(cookies=[])
    try:
        headers = _headers(source)
    except TypeError as problem:
        return CookieInspection(cookies=[], problems=[str(problem)])
    for header, origin in headers:
        cookie = _parse(header, origin, now_ts, report.problems)
        if cookie is not None:
            report.cookies.append(cookie)
    for cookie in _jar_cookies(source, now_ts):
        report.cookies.append(cookie)
    for cookie in report.cookies:
        _read_contents(cookie, secret_key, now_ts)
        if cookie.kind != "deletion":
            cookie.findings = _review(cookie, secret_key)
    return report


# --- gathering headers -------------------------------------------------------------------------------------


def _headers(source: Any) -> list[tuple[str, str]]:
    """(Set-Cookie value, where it came from) pairs; a jar yields none here (see _jar_cookies)."""
    if isinstance(source, bytes):
        source = source.decode("latin-1")
    if isinstance(source, str):
        source = source.splitlines()
    if isinstance(source, list | tuple) and all(isinstance(item, str) for item in source):
        return [(header, "") for line in source for header in split_joined_set_cookie(line)]
    if isinstance(source, CookieJar):
        return []
    if hasattr(source, "response_headers") and hasattr(source, "method"):  # authlab.server.Exchange
        origin = f"{source.status} {source.method} {source.path}"
        return [(value, origin) for name, value in source.response_headers if name.lower() == "set-cookie"]
    if hasattr(source, "history") and hasattr(source, "headers"):  # requests.Response
        return [(value, f"{hop.status_code} {hop.request.method} {hop.url}")
                for hop in [*source.history, source] for value in set_cookie_headers(hop)]
    raise TypeError(f"expected a requests Response, Set-Cookie header text or a cookie jar, "
                    f"not {type(source).__name__}")


def _jar_cookies(source: Any, now: float) -> list[Cookie]:
    if not isinstance(source, CookieJar):
        return []
    cookies = []
    for stored in source:
        rest = {key.lower(): value for key, value in getattr(stored, "_rest", {}).items()}
        attributes: dict[str, str | bool] = {}
        if stored.expires is not None:
            attributes["Expires"] = email.utils.formatdate(stored.expires, usegmt=True)
        if stored.domain_specified:
            attributes["Domain"] = stored.domain.lstrip(".")
        if stored.path_specified:
            attributes["Path"] = stored.path
        for flag, present in (("Secure", stored.secure), ("HttpOnly", "httponly" in rest)):
            if present:
                attributes[flag] = True
        if rest.get("samesite"):
            attributes["SameSite"] = rest["samesite"]
        cookie = Cookie(stored.name, stored.value or "", attributes, source=f"cookie jar, for {stored.domain}")
        cookie.lifetime = None if stored.expires is None else stored.expires - now
        cookies.append(cookie)
    return cookies


def _parse(header: str, origin: str, now: float, problems: list[str]) -> Cookie | None:
    """One Set-Cookie header, read the way RFC 6265 (5.2) tells browsers to."""
    if len(header) > MAX_HEADER_BYTES:
        problems.append(f"skipped a Set-Cookie header of {len(header)} characters (the limit here is 64 KiB)")
        return None
    parsed = parse_set_cookie(header)
    text = header.strip()
    if parsed is None:
        problems.append(f"ignored {r.shorten(text, 60)!r}: a Set-Cookie header starts with name=value")
        return None
    name, value, read = parsed
    if not name:
        problems.append(f"ignored {r.shorten(text, 60)!r}: the cookie has no name")
        return None
    attributes = {_ATTRIBUTES.get(key, key): attribute for key, attribute in read.items()}
    cookie = Cookie(name, value, attributes, source=origin)
    cookie.lifetime = _lifetime(attributes, now)
    if cookie.lifetime is not None and cookie.lifetime <= 0:
        cookie.kind = "deletion"
        cookie.verdict = "this header deletes the cookie (its lifetime is over)"
    return cookie


def _lifetime(attributes: dict[str, str | bool], now: float) -> float | None:
    max_age = attributes.get("Max-Age")
    if isinstance(max_age, str) and re.fullmatch(r"-?\d{1,15}", max_age):
        return float(max_age)
    expires = attributes.get("Expires")
    if isinstance(expires, str):
        try:
            return email.utils.parsedate_to_datetime(expires).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return None


# --- contents: Flask session and JWT -----------------------------------------------------------------------


def _read_contents(cookie: Cookie, secret_key: str | bytes | None, now: float) -> None:
    if cookie.kind == "deletion":
        return
    match = _FLASK_COOKIE.fullmatch(cookie.value)
    if match:
        _read_flask_session(cookie, match, secret_key, now)
    elif cookie.value.startswith("eyJ") and cookie.value.count(".") == 2:
        token = inspect_jwt(cookie.value, now=now)
        if token.status is not Status.MALFORMED:
            cookie.kind, cookie.contents, cookie.status = "jwt", token.payload, token.status
            cookie.verdict = f"a JWT ({token.alg}); inspect_jwt(value, key) checks its signature"


def _read_flask_session(cookie: Cookie, match: re.Match, secret_key: str | bytes | None, now: float) -> None:
    compressed, payload, timestamp, _ = match.groups()
    try:
        data = b64url_decode(payload)
        if compressed:
            inflater = zlib.decompressobj()
            data = inflater.decompress(data, MAX_HEADER_BYTES)
            if inflater.unconsumed_tail:
                raise ValueError("it inflates to more than 64 KiB")
        from flask.sessions import session_json_serializer

        contents = session_json_serializer.loads(data.decode("utf-8"))
        signed_at = int.from_bytes(b64url_decode(timestamp), "big")
    except (ValueError, zlib.error, UnicodeDecodeError, RecursionError) as error:
        cookie.status = Status.MALFORMED
        cookie.verdict = f"looks like a Flask session cookie but cannot be read ({r.shorten(str(error), 80)})"
        return
    cookie.kind, cookie.contents = "flask-session", contents
    age = f"signed {r.duration(now - signed_at)} ago ({r.utc(signed_at)})" if abs(signed_at) < 1e11 else ""
    cookie.status, verdict = _verify_flask_session(cookie.value, secret_key)
    verdict = r.one_line(verdict)
    cookie.verdict = f"Flask session{' (zlib-compressed)' if compressed else ''}, {age}: {verdict}"


def _verify_flask_session(value: str, secret_key: str | bytes | None) -> tuple[Status, str]:
    """Check the signature with the serializer Flask itself uses for this secret key."""
    if not secret_key:
        return Status.CANNOT_VERIFY, "signature not checked (pass secret_key= the app's secret key)"
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import BadSignature

    app = Flask(__name__)
    app.secret_key = secret_key
    try:
        SecureCookieSessionInterface().get_signing_serializer(app).loads(value)
    except BadSignature:
        return Status.INVALID_SIGNATURE, "INVALID signature for this secret key (edited cookie, or another key)"
    except (ValueError, TypeError, zlib.error) as error:
        return Status.INVALID_SIGNATURE, f"signature valid but Flask cannot load the data ({error})"
    return Status.VERIFIED, "signature verified with the given secret key"


# --- review ------------------------------------------------------------------------------------------------


def _review(cookie: Cookie, secret_key: str | bytes | None) -> list[Finding]:
    attributes, findings = cookie.attributes, []
    samesite = attributes.get("SameSite")
    secure = "Secure" in attributes
    if cookie.session_like and "HttpOnly" not in attributes:
        findings.append(Finding("no-httponly", f"{cookie.name}: no HttpOnly on what looks like a session cookie: "
                                               "any script on the page (an XSS bug) can read and steal it"))
    if samesite is None:
        findings.append(Finding("no-samesite", f"{cookie.name}: no SameSite: browsers differ in the default "
                                               "(Chrome Lax, others None); set Lax or Strict explicitly"))
    elif not isinstance(samesite, str) or samesite.lower() not in ("strict", "lax", "none"):
        findings.append(Finding("bad-samesite", f"{cookie.name}: SameSite={samesite} is not Strict, Lax or None; "
                                                "browsers ignore it"))
    elif samesite.lower() == "none" and not secure:
        findings.append(Finding("samesite-none-insecure", f"{cookie.name}: SameSite=None without Secure: "
                                                          "browsers reject the cookie"))
    if not secure:
        findings.append(Finding("no-secure", f"{cookie.name}: no Secure: the cookie also travels over plain HTTP, "
                                             "readable on the network (fine on http://127.0.0.1 here, required on "
                                             "a real site)"))
    limit = ONE_DAY if cookie.session_like else MAX_LIFETIME
    if cookie.lifetime is not None and cookie.lifetime > limit:
        what = "a session cookie" if cookie.session_like else "a cookie"
        findings.append(Finding("long-lifetime", f"{cookie.name}: lives {r.duration(cookie.lifetime)}; for {what} "
                                                 f"keep it under {r.duration(limit)} (a stolen copy works that long)"))
    findings += _prefix_findings(cookie)
    size = len(cookie.name.encode()) + len(cookie.value.encode())
    if size > MAX_COOKIE_BYTES:
        findings.append(Finding("too-big", f"{cookie.name}: name and value are {size} bytes; browsers may drop "
                                           f"cookies over {MAX_COOKIE_BYTES} bytes"))
    if cookie.kind == "flask-session":
        findings.append(Finding("readable", f"{cookie.name}: Flask's session cookie is signed, not encrypted: "
                                            "anyone holding it can read its contents; keep secrets out of it"))
        problem = weakness(secret_key) if secret_key else None
        if problem and cookie.status is Status.VERIFIED:
            findings.append(Finding("weak-secret", f"{cookie.name}: weak secret key: {problem}; whoever guesses it "
                                                   "can forge any session"))
    return findings


def _prefix_findings(cookie: Cookie) -> list[Finding]:
    attributes = cookie.attributes
    if cookie.name.startswith("__Host-"):
        broken = [rule for rule, ok in (("Secure", "Secure" in attributes), ("Path=/", attributes.get("Path") == "/"),
                                        ("no Domain", "Domain" not in attributes)) if not ok]
        if broken:
            return [Finding("host-prefix", f"{cookie.name}: a __Host- cookie needs Secure, Path=/ and no Domain; "
                                           f"missing: {', '.join(broken)}; browsers reject it")]
    elif cookie.name.startswith("__Secure-") and "Secure" not in attributes:
        return [Finding("secure-prefix", f"{cookie.name}: a __Secure- cookie needs Secure; browsers reject it")]
    return []


def _row(cookie: Cookie) -> list[str]:
    name = f"<code>{r.esc(cookie.name)}</code>"
    if cookie.source:
        name += f"<br><small>{r.esc(cookie.source)}</small>"
    value = f'<code style="overflow-wrap:anywhere">{r.esc(r.shorten(cookie.value, 120))}</code>'
    attributes = "<br>".join(f"<small><b>{r.esc(what)}</b>: {r.esc(why)}</small>"
                             for what, _, why in (line.partition(": ") for line in cookie.explanations))
    contents = ""
    if cookie.verdict:
        colour = cookie.status.colour if cookie.status else r.NEUTRAL
        contents = f'<span style="color:{r.themed(colour)}">{r.esc(cookie.verdict)}</span>'
        if cookie.contents is not None:
            contents += r.code_block(r.shorten(r.pretty_json(cookie.contents), 2000))
    return [name, value, attributes, contents, r.finding_list(cookie.findings, "authlab-cookie-warnings")]
