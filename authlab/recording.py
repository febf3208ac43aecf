"""Record what a ``requests.Session`` sends and receives, and draw it as a sequence diagram.

    with authlab.record() as rec:
        rec.session.post(server.url + "/login", json={"username": "alice", "password": "..."})
        rec.session.get(server.url + "/profile")
    rec          # in Jupyter: an SVG sequence diagram (client and one column per server)
    print(rec)   # the same diagram as plain text

The diagram is drawn from the real exchange: each arrow carries the method and path, the
headers that carry credentials (``Cookie``, ``Authorization``, ``Set-Cookie``, ``Location``),
the status and a short excerpt of the body. Long values are shortened (``eyJhbGciOi…``) and
password fields are masked. ``state=`` takes a callable, run after each response, whose result
is drawn as a note on the server side (for example the contents of a session store).
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import textwrap
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from authlab.server import running
from authlab.theme import BORDER, PANEL, SOFT_TEXT, TEXT, themed

__all__ = ["Recording", "Step", "record"]

KEY_HEADERS = ("Cookie", "Authorization", "Set-Cookie", "Location")
VALUE_CHARS = 12  # a credential is shown as its first characters and "…"
LINE_CHARS = 72  # longest label line
_SECRET_FIELD = re.compile("pass", re.IGNORECASE)
_MASK = "•••"


@dataclasses.dataclass(frozen=True)
class Step:
    """One request and its response, as ``requests`` sent and received them."""

    method: str
    url: str
    status: int
    reason: str
    request_headers: dict[str, str]
    response_headers: list[tuple[str, str]]
    request_body: str
    response_body: str
    notes: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclasses.dataclass(frozen=True)
class _Comment:
    text: str


class Recording:
    """The exchanges of one ``requests.Session`` while recording; displays as a sequence diagram.

    Recording starts at once and stops at ``stop()`` or at the end of a ``with`` block.
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        state: Callable[[], Any] | None = None,
        headers: Iterable[str] = KEY_HEADERS,
    ):
        self._owns_session = session is None
        self.session = session if session is not None else requests.Session()
        self.state = state
        self.headers = tuple(headers)
        self.entries: list[Step | _Comment] = []
        self._servers: dict[str, str] = {}
        self.session.hooks["response"].append(self._on_response)

    @property
    def steps(self) -> list[Step]:
        return [entry for entry in self.entries if isinstance(entry, Step)]

    def note(self, text: str) -> None:
        """Add a comment line between exchanges, e.g. what the attacker does next."""
        self.entries.append(_Comment(text))

    def stop(self) -> None:
        hooks = self.session.hooks["response"]
        if self._on_response in hooks:
            hooks.remove(self._on_response)
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _on_response(self, response: requests.Response, **kwargs) -> None:
        request = response.request
        notes = (_snapshot(self.state),) if self.state else ()
        step = Step(
            method=request.method or "",
            url=request.url or "",
            status=response.status_code,
            reason=response.reason or "",
            request_headers=dict(request.headers),
            response_headers=_raw_headers(response),
            request_body=_text(request.body),
            response_body="(streamed)" if kwargs.get("stream") else _text(response.content),
            notes=notes,
        )
        self._servers.setdefault(step.origin, _server_name(step.origin))
        self.entries.append(step)

    # -- drawing -------------------------------------------------------------------------

    def _columns(self) -> list[str]:
        origins = list(dict.fromkeys(step.origin for step in self.steps))
        return ["client"] + [self._servers[origin] for origin in origins]

    def _rows(self) -> list[_Row]:
        origins = list(dict.fromkeys(step.origin for step in self.steps))
        rows: list[_Row] = []
        for entry in self.entries:
            if isinstance(entry, _Comment):
                rows.append(_Row("comment", 0, 0, entry.text))
                continue
            server = 1 + origins.index(entry.origin)
            label, *query = _url_lines(f"{entry.method} ", entry.path)
            rows.append(_Row("request", 0, server, label))
            rows += [_Row("detail", 0, server, line) for line in query]
            rows += [_Row("detail", 0, server, line) for line in self._request_lines(entry)]
            rows += [_Row("note", server, server, note) for note in entry.notes]
            kind = "response" if entry.status < 400 else "refused"
            rows.append(_Row(kind, server, 0, f"{entry.status} {entry.reason}".strip()))
            rows += [_Row("detail", server, 0, line) for line in self._response_lines(entry)]
        return rows

    def _request_lines(self, step: Step) -> list[str]:
        wanted = {name.lower() for name in self.headers}
        lines = _header_lines(step.request_headers.items(), wanted)
        if step.request_body:
            lines.append(_clip(_excerpt(step.request_body, step.request_headers.get("Content-Type", ""))))
        return lines

    def _response_lines(self, step: Step) -> list[str]:
        wanted = {name.lower() for name in self.headers}
        lines = _header_lines(step.response_headers, wanted)
        content_type = {name.lower(): value for name, value in step.response_headers}.get("content-type", "")
        if step.response_body:
            lines.append(_clip(_excerpt(step.response_body, content_type)))
        return lines

    def __str__(self) -> str:
        return _TextDiagram(self._columns(), self._rows()).render()

    def __repr__(self) -> str:
        return f"<authlab recording of {len(self.steps)} exchange(s); print() it or display it for the diagram>"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text/plain: the diagram, not the summary
        printer.text(repr(self) if cycle else str(self))

    def _repr_html_(self) -> str:
        return _SvgDiagram(self._columns(), self._rows()).render()


def record(
    session: requests.Session | None = None,
    *,
    state: Callable[[], Any] | None = None,
    headers: Iterable[str] = KEY_HEADERS,
) -> Recording:
    """Record the exchanges of ``session`` (a new ``requests.Session`` if none is given).

    Use the returned recording's ``.session`` to make requests; display the recording (or
    ``print`` it) for the sequence diagram. ``state`` is called after each response and its
    result drawn as a server-side note; ``headers`` chooses which headers appear.
    """
    return Recording(session, state=state, headers=headers)


# -- what to show ----------------------------------------------------------------------------


def _raw_headers(response: requests.Response) -> list[tuple[str, str]]:
    """Response headers as sent, one entry per Set-Cookie (requests' dict joins them)."""
    raw = getattr(response.raw, "headers", None)
    if raw is not None and hasattr(raw, "iteritems"):
        return [(name, value) for name, value in raw.iteritems()]
    return list(response.headers.items())


def _text(body: Any) -> str:
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body if isinstance(body, str) else ""


def _server_name(origin: str) -> str:
    for server in running().values():
        if server.url == origin:
            return f"{server.name} ({urlsplit(origin).netloc})"
    return urlsplit(origin).netloc


def _short(value: str) -> str:
    """A token-like value (no spaces) as its first characters; prose stays readable."""
    if len(value) <= VALUE_CHARS + 2 or (" " in value and len(value) <= LINE_CHARS // 2):
        return value
    return value[:VALUE_CHARS] + "…"


def _header_lines(headers: Iterable[tuple[str, str]], wanted: set[str]) -> list[str]:
    """The wanted headers, values shortened; a long one continues on indented lines, never cut."""
    lines = []
    for name, value in headers:
        if name.lower() == "location" and name.lower() in wanted:
            lines += _url_lines(f"{name}: ", value)
        elif name.lower() in wanted:
            lines += _wrap(f"{name}: {_shorten_header(name, value)}")
    return lines


def _url_lines(prefix: str, url: str) -> list[str]:
    """``prefix`` and a URL whose query and fragment values are decoded and shortened, broken between parameters.

    An authorization request's URL (``state=…&nonce=…&code_challenge=…``) would otherwise be one
    line wider than any output area.
    """
    url, hashed, fragment = url.partition("#")
    base, asked, query = url.partition("?")
    line = prefix + base + asked + _shorten_params(query) + hashed + _shorten_params(fragment)
    return _wrap(line, "&") if len(line) > LINE_CHARS else [line]


def _shorten_params(params: str) -> str:
    if "=" not in params:
        return _short(params) if params else ""
    return "&".join(f"{k}={_MASK if _SECRET_FIELD.search(k) else _short_value(v)}"
                    for k, v in parse_qsl(params, keep_blank_values=True))


def _short_value(value: str) -> str:
    """A parameter's value: a URL (``redirect_uri``, ``iss``) whole when it fits, a credential shortened."""
    return value if "://" in value and len(value) <= LINE_CHARS // 2 else _short(value)


def _wrap(line: str, separator: str = "; ") -> list[str]:
    """Break a long line between its ``separator``-separated parts (cookie attributes, URL parameters)."""
    first, *parts = line.split(separator)
    lines = [first]
    for part in parts:
        if len(lines[-1]) + len(separator) + len(part) <= LINE_CHARS:
            lines[-1] += separator + part
        else:
            lines[-1] += separator.rstrip()
            lines.append("    " + part)
    return lines


def _clip(line: str) -> str:
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"


def _shorten_header(name: str, value: str) -> str:
    name = name.lower()
    if name == "cookie":
        return "; ".join(_shorten_pair(pair.strip()) for pair in value.split(";"))
    if name == "set-cookie":
        pair, _, attributes = value.partition(";")
        return _shorten_pair(pair) + (f";{attributes}" if attributes else "")
    if name == "authorization":
        scheme, _, credentials = value.partition(" ")
        return f"{scheme} {_short(credentials)}" if credentials else _short(value)
    return value


def _shorten_pair(pair: str) -> str:
    key, sep, value = pair.partition("=")
    return f"{key}{sep}{_short(value)}"


def _excerpt(body: str, content_type: str) -> str:
    """One line of ``body``: JSON and form fields with long values shortened, passwords masked."""
    if "json" in content_type:
        try:
            return json.dumps(_shorten_data(json.loads(body)), ensure_ascii=False)
        except ValueError:
            pass
    if "x-www-form-urlencoded" in content_type:
        return _shorten_params(body)
    return " ".join(body.split())


def _shorten_data(data: Any, key: str = "") -> Any:
    if isinstance(data, dict):
        return {_short(str(k)): _shorten_data(v, str(k)) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_shorten_data(item) for item in data]
    if isinstance(data, str):
        return _MASK if _SECRET_FIELD.search(key) else _short(data)
    return data


def _snapshot(state: Callable[[], Any]) -> str:
    """One line of server state, taken at once (the state keeps changing)."""
    try:
        return _clip(json.dumps(_shorten_data(state()), ensure_ascii=False, default=str))
    except Exception as error:  # a broken state() must not break the request being recorded
        return f"state() failed: {type(error).__name__}: {error}"


# -- rendering ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Row:
    kind: str  # request, response, refused, detail, note, comment
    source: int  # column index
    target: int
    text: str


class _TextDiagram:
    """Columns of ``|`` lifelines, ``--->`` arrows and labels, on a character grid."""

    def __init__(self, columns: list[str], rows: list[_Row]):
        self.columns = columns
        self.rows = rows
        labels = [len(row.text) for row in rows if row.kind in ("request", "response", "refused", "detail")]
        span = max([30, *[n + 10 for n in labels]])
        self.x = [2 + i * span for i in range(len(columns))]

    def render(self) -> str:
        if len(self.columns) == 1:
            return "(nothing recorded)"
        lines = [self._header()]
        for row in self.rows:
            if row.kind == "comment":
                lines += [self._lifelines(), self._put(self._lifelines(), self.x[0] + 5, f"# {row.text}")]
            elif row.kind == "request":
                lines += [self._lifelines(), self._arrow(row)]
            elif row.kind == "note":
                lines.append(self._lifelines() + f"   [{row.text}]")
            elif row.kind == "detail":
                lines.append(self._put(self._lifelines(), min(self.x[row.source], self.x[row.target]) + 5, row.text))
            else:
                lines.append(self._arrow(row))
        lines.append(self._lifelines())
        return "\n".join(line.rstrip() for line in lines)

    def _header(self) -> str:
        line = ""
        for x, name in zip(self.x, self.columns, strict=True):
            line = self._put(line, max(len(line) + 1 if line else 0, x - len(name) // 2), name)
        return line

    def _lifelines(self) -> str:
        line = " " * (self.x[-1] + 1)
        for x in self.x:
            line = line[:x] + "|" + line[x + 1 :]
        return line

    def _arrow(self, row: _Row) -> str:
        left, right = sorted((self.x[row.source], self.x[row.target]))
        label = f" {row.text} "
        if row.source < row.target:
            body = "---" + label + "-" * (right - left - 5 - len(label)) + ">"
        else:
            body = "<--" + label + "-" * (right - left - 4 - len(label))
        return self._put(self._lifelines(), left + 1, body)

    @staticmethod
    def _put(line: str, x: int, text: str) -> str:
        line = line.ljust(x + len(text))
        return line[:x] + text + line[x + len(text) :]


class _SvgDiagram:
    """The same layout as the text diagram, in SVG, for Jupyter's HTML output.

    Colours come from JupyterLab's theme variables, so the diagram reads in Light and Dark; it shrinks to the
    output's width rather than being cut off, and server-side notes wrap inside the space left of their server.
    """

    CHAR = 7.3  # px per character of 12 px monospace
    SMALL = CHAR * 11 / 12  # of 11 px
    ROW = 17
    COLOURS = {"request": themed("#1f4e8c"), "response": themed("#1d7a3a"), "refused": themed("#b3261e")}
    TEXT, DETAIL, LINE, BOX = TEXT, SOFT_TEXT, BORDER, PANEL
    NOTE, COMMENT = themed("#8a6d00"), themed("#7a3e9d")

    def __init__(self, columns: list[str], rows: list[_Row]):
        # a column's name and address on two lines, so the boxes stay narrow
        self.names = [name.replace(" (", "\n(", 1).split("\n") for name in columns]
        self.rows = rows
        self.top = 14 + 15 * max(len(lines) for lines in self.names) + 8
        labels = [len(row.text) for row in rows if row.kind in ("request", "response", "refused", "detail")]
        self.boxes = [max(max(map(len, lines)) * self.CHAR + 16, 70) for lines in self.names]
        span = max([30, *[n + 8 for n in labels]]) * self.CHAR
        self.x = [max(90, self.boxes[0] / 2 + 4)]
        for left, right in zip(self.boxes, self.boxes[1:], strict=False):
            self.x.append(self.x[-1] + max(span, (left + right) / 2 + 16))

    def render(self) -> str:
        if len(self.x) == 1:
            return "<em>nothing recorded</em>"
        parts, y = [], self.top + 14
        for row in self.rows:
            if row.kind in ("request", "response", "refused"):
                y += self.ROW + (14 if row.kind == "request" and parts else 6)
                parts.append(self._arrow(row, y))
            elif row.kind == "detail":
                y += self.ROW - 2
                x = min(self.x[row.source], self.x[row.target]) + 12
                parts.append(self._text(x, y - 4, row.text, self.DETAIL, size=11))
            elif row.kind == "note":
                y += 6
                parts.append(self._note(row, y))
                y += 15 * len(self._note_lines(row)) + 4
            elif row.kind == "comment":
                y += self.ROW + 10
                parts.append(self._text(12, y - 2, f"# {row.text}", self.COMMENT, size=12, italic=True))
        height = y + 24
        width = self.x[-1] + max(self.boxes[-1] / 2 + 8, 120)
        head = [self._lifeline(x, lines, box, height) for x, lines, box in zip(self.x, self.names, self.boxes,
                                                                              strict=True)]
        marker = "<defs>" + "".join(
            f'<marker id="authlab-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
            f'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" style="fill:{colour}"/></marker>'
            for kind, colour in self.COLOURS.items()
        ) + "</defs>"
        return (
            f'<div class="authlab-diagram" style="overflow-x:auto"><svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'style="max-width:100%; height:auto" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">'
            + marker + "".join(head) + "".join(parts) + "</svg></div>"
        )

    def _note_lines(self, row: _Row) -> list[str]:
        """A note fits between its server's lifeline and the one left of it, wrapped at spaces."""
        room = self.x[row.source] - self.x[row.source - 1] - 30
        return textwrap.wrap(row.text, max(int((room - 12) / self.SMALL), 20), break_on_hyphens=False) or [""]

    def _note(self, row: _Row, y: float) -> str:
        lines = self._note_lines(row)
        width = max(map(len, lines)) * self.SMALL + 12
        left = self.x[row.source] - 8 - width
        box = (f'<rect x="{left:.0f}" y="{y:.0f}" width="{width:.0f}" height="{15 * len(lines) + 4}" rx="3" '
               f'style="fill:none; stroke:{self.NOTE}"/>')
        return box + "".join(self._text(left + 6, y + 14 + 15 * i, line, self.NOTE, size=11)
                             for i, line in enumerate(lines))

    def _lifeline(self, x: float, lines: list[str], box: float, height: float) -> str:
        label = "".join(self._text(x, 8 + 16 + 15 * i, line, self.TEXT, anchor="middle", size=12, bold=i == 0)
                        for i, line in enumerate(lines))
        return (
            f'<line x1="{x:.0f}" y1="{self.top}" x2="{x:.0f}" y2="{height - 6:.0f}" style="stroke:{self.LINE}" '
            f'stroke-dasharray="4 3"/><rect x="{x - box / 2:.0f}" y="8" width="{box:.0f}" height="{self.top - 12}" '
            f'rx="4" style="fill:{self.BOX}; stroke:{self.LINE}"/>' + label
        )

    def _arrow(self, row: _Row, y: float) -> str:
        colour = self.COLOURS[row.kind]
        x1, x2 = self.x[row.source], self.x[row.target]
        dash = ' stroke-dasharray="6 3"' if row.kind != "request" else ""
        label_x = min(x1, x2) + 12
        return (
            f'<line x1="{x1:.0f}" y1="{y:.0f}" x2="{x2:.0f}" y2="{y:.0f}" style="stroke:{colour}" stroke-width="1.6"'
            f'{dash} marker-end="url(#authlab-{row.kind})"/>'
            + self._text(label_x, y - 5, row.text, colour, size=12, bold=True)
        )

    @staticmethod
    def _text(x: float, y: float, text: str, colour: str, *, size: int, anchor: str = "start",
              bold: bool = False, italic: bool = False) -> str:
        style = (' font-weight="bold"' if bold else "") + (' font-style="italic"' if italic else "")
        return (
            f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" style="fill:{colour}" text-anchor="{anchor}"{style} '
            f'xml:space="preserve">{html.escape(text)}</text>'
        )
