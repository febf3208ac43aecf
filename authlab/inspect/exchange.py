"""Show what crossed the wire for a ``requests`` call: every redirect hop, request and response, like ``curl -v``.

    show_exchange(requests.post(server.url + "/login", data={...}))

Each hop shows the request line and headers, the body sent, the status line, the response headers (each
Set-Cookie on its own line) and a preview of the body (JSON pretty-printed). Cookie, Set-Cookie and
Authorization are highlighted and labelled. Nothing is redacted (this is a teaching tool); long values are
shortened in the middle and bodies cut after ``BODY_PREVIEW`` characters.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlsplit

from authlab.inspect import _render as r

__all__ = ["ExchangeView", "Hop", "show_exchange"]

BODY_PREVIEW = 2000
HEADER_PREVIEW = 300
LABELS = {
    "cookie": "the client sends its cookies",
    "set-cookie": "the server sets a cookie",
    "authorization": "credentials",
    "proxy-authorization": "credentials",
}
_VERSIONS = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}


@dataclasses.dataclass
class Hop:
    """One request and the response it got."""

    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: str
    status: int
    reason: str
    version: str
    response_headers: list[tuple[str, str]]
    response_body: str
    elapsed_ms: float

    @property
    def request_line(self) -> str:
        parts = urlsplit(self.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return f"{self.method} {target} {self.version}"

    @property
    def status_line(self) -> str:
        return f"{self.version} {self.status} {self.reason}".rstrip()

    def lines(self) -> list[str]:
        out = [f"> {self.request_line}"]
        out += [f"> {_header_text(name, value)}" for name, value in self.request_headers]
        if self.request_body:
            out += [">"] + [f"> {line}" for line in self.request_body.splitlines()]
        out.append(f"< {self.status_line}")
        out += [f"< {_header_text(name, value)}" for name, value in self.response_headers]
        if self.response_body:
            out += ["<"] + [f"< {line}" for line in self.response_body.splitlines()]
        return out


@dataclasses.dataclass
class ExchangeView:
    """The hops of one ``requests`` call, oldest first (redirects, then the final response)."""

    hops: list[Hop]
    problem: str = ""

    def __str__(self) -> str:
        if self.problem:
            return self.problem
        blocks = []
        for number, hop in enumerate(self.hops, 1):
            title = (f"── {number}/{len(self.hops)}  {hop.method} {hop.url} → {hop.status} {hop.reason} "
                     f"({hop.elapsed_ms:.1f} ms)")
            blocks.append("\n".join([title, *hop.lines()]))
        return "\n\n".join(blocks)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.problem:
            return f'<div class="authlab-exchange" style="color:{r.themed(r.BAD)}">{r.esc(self.problem)}</div>'
        return '<div class="authlab-exchange">' + "".join(
            _hop_html(number, len(self.hops), hop) for number, hop in enumerate(self.hops, 1)) + "</div>"


def show_exchange(response: Any) -> ExchangeView:
    """The request/response pairs behind a ``requests`` Response, its redirect history included.

    Displayed in a notebook it renders as HTML; ``str()`` gives a curl-like text. Never raises: anything
    other than a Response gives a view whose text says what was expected.
    """
    if not (hasattr(response, "history") and hasattr(response, "request") and hasattr(response, "status_code")):
        return ExchangeView([], f"show_exchange needs a requests Response (what requests.get/post return), "
                                f"not {type(response).__name__}")
    return ExchangeView([_hop(hop) for hop in [*response.history, response]])


def _hop(response: Any) -> Hop:
    request = response.request
    headers = list(request.headers.items())
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", urlsplit(request.url).netloc))  # added by http.client when sending
    raw = getattr(response, "raw", None)
    raw_headers = getattr(raw, "headers", None)
    response_headers = list(raw_headers.items()) if hasattr(raw_headers, "getlist") else list(response.headers.items())
    return Hop(
        method=request.method,
        url=request.url,
        request_headers=headers,
        request_body=_body_preview(request.body, request.headers.get("Content-Type", "")),
        status=response.status_code,
        reason=response.reason or "",
        version=_VERSIONS.get(getattr(raw, "version", 11), "HTTP/1.1"),
        response_headers=response_headers,
        response_body=_body_preview(response.content, response.headers.get("Content-Type", "")),
        elapsed_ms=response.elapsed.total_seconds() * 1000,
    )


def _body_preview(body: Any, content_type: str) -> str:
    if body is None or body in (b"", ""):
        return ""
    if not isinstance(body, bytes | str):
        return f"({type(body).__name__} body, streamed; not shown)"
    data = body.encode("utf-8") if isinstance(body, str) else body
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind.startswith(("image/", "audio/", "video/")) or kind in ("application/octet-stream", "application/pdf"):
        return f"({len(data)} bytes of {kind})"
    text = data.decode("utf-8", "replace")
    if "\x00" in text:
        return f"({len(data)} bytes of binary data)"
    if "json" in kind and len(data) <= 1_000_000:
        try:
            text = r.pretty_json(json.loads(text))
        except (ValueError, RecursionError):
            pass
    if len(text) > BODY_PREVIEW:
        return f"{text[:BODY_PREVIEW]}\n… ({len(data)} bytes in all)"
    return text


def _header_text(name: str, value: str) -> str:
    label = LABELS.get(name.lower())
    line = f"{name}: {r.shorten(value, HEADER_PREVIEW)}"
    return f"{line}   ← {label}" if label else line


def _header_html(direction: str, name: str, value: str) -> str:
    label = LABELS.get(name.lower())
    line = f"{direction} <b>{r.esc(name)}</b>: {r.esc(r.shorten(value, HEADER_PREVIEW))}"
    if label:
        return (f'<span class="authlab-exchange-highlight" style="background:{r.HIGHLIGHT}; color:#24292f">'
                f"{line}</span> <small>← {r.esc(label)}</small>")
    return line


def _hop_html(number: int, total: int, hop: Hop) -> str:
    colour = r.GOOD if hop.status < 300 else r.NOTE if hop.status < 400 else r.BAD
    request = [f"&gt; <b>{r.esc(hop.request_line)}</b>"]
    request += [_header_html("&gt;", name, value) for name, value in hop.request_headers]
    response = [f'&lt; <b style="color:{r.themed(colour)}">{r.esc(hop.status_line)}</b>']
    response += [_header_html("&lt;", name, value) for name, value in hop.response_headers]
    pre = f'<pre style="{r.MONO}; white-space:pre-wrap; overflow-wrap:anywhere; margin:2px 0">'
    parts = [
        r.heading(f"{number}/{total}  {hop.method} {hop.url} → {hop.status} {hop.reason} ({hop.elapsed_ms:.1f} ms)"),
        pre + "\n".join(request) + "</pre>",
    ]
    if hop.request_body:
        parts.append(r.code_block(hop.request_body))
    parts.append(pre + "\n".join(response) + "</pre>")
    if hop.response_body:
        parts.append(r.code_block(hop.response_body))
    return f'<div style="border-left:4px solid {colour}; padding-left:8px; margin:6px 0">{"".join(parts)}</div>'
