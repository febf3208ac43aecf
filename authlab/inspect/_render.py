"""Shared pieces of the inspectors' views: dates, durations, JSON, truncation and small HTML blocks."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable

from authlab.theme import themed

# jwt.io's colours, so learners recognise the three parts; themed to pass WCAG AA on Light and Dark.
HEADER_COLOUR = themed("#fb015b")
PAYLOAD_COLOUR = themed("#d63aff")
SIGNATURE_COLOUR = themed("#00b9f1")
# backgrounds of badges, which carry white text (each at least 4.5:1 with white)
GOOD, BAD, NOTE, NEUTRAL = "#1a7f37", "#cf222e", "#bc4c00", "#57606a"
HIGHLIGHT = "#fff8c5"

MONO = "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def now_timestamp(now: dt.datetime | float | int | None) -> float:
    """``now`` as epoch seconds: a datetime (naive means UTC), a number, or None for the clock."""
    if now is None:
        return dt.datetime.now(dt.UTC).timestamp()
    if isinstance(now, dt.datetime):
        return (now if now.tzinfo else now.replace(tzinfo=dt.UTC)).timestamp()
    return float(now)


def utc(timestamp: float) -> str:
    """Epoch seconds as ``2011-03-22 18:43:00 UTC``; raises OverflowError/ValueError/OSError when out of range."""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: float) -> str:
    """A length of time the way people say it: ``45 s``, ``5 min``, ``23 h 59 min``, ``3 d 4 h``, ``7 y 85 d``."""
    seconds = int(abs(seconds))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{minutes} min"
    if seconds < 86400:
        return f"{hours} h {minutes % 60} min"
    if days < 365:
        return f"{days} d {hours % 24} h"
    return f"{days // 365} y {days % 365} d"


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made a single space."""
    return " ".join(text.split())


def pretty_json(value: object) -> str:
    """Indented JSON; compact when nested deeper than ``MAX_INDENT_DEPTH`` (indenting that is slow and unreadable)."""
    indent = 2 if _depth(value) <= MAX_INDENT_DEPTH else None
    return json.dumps(value, indent=indent, ensure_ascii=False, default=repr)


MAX_INDENT_DEPTH = 32


def _depth(value: object) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_INDENT_DEPTH:
                return depth
            stack += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return deepest


def shorten(text: str, limit: int = 200) -> str:
    """``text`` cut in the middle when longer than ``limit``, saying how long it was."""
    if len(text) <= limit:
        return text
    keep = max(limit // 2 - 10, 8)
    return f"{text[:keep]} … {text[-keep:]} ({len(text)} chars)"


def badge(text: str, colour: str, css_class: str = "") -> str:
    cls = f' class="{css_class}"' if css_class else ""
    return (
        f'<span{cls} style="display:inline-block; padding:2px 8px; border-radius:4px; '
        f'color:white; background:{colour}; font-weight:600">{esc(text)}</span>'
    )


def code_block(text: str, colour: str = "inherit") -> str:
    return (
        f'<pre style="{MONO}; color:{colour}; white-space:pre-wrap; overflow-wrap:anywhere; '
        f'margin:4px 0; padding:6px; background:rgba(127,127,127,0.08)">{esc(text)}</pre>'
    )


def table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """An HTML table; cells are HTML already (escape them first)."""
    style = "text-align:left; vertical-align:top; padding:2px 8px; border-bottom:1px solid rgba(127,127,127,0.3)"
    head_html = "".join(f'<th style="{style}">{esc(cell)}</th>' for cell in head)
    body = "".join("<tr>" + "".join(f'<td style="{style}">{cell}</td>' for cell in row) + "</tr>" for row in rows)
    return f'<table style="border-collapse:collapse; margin:4px 0"><tr>{head_html}</tr>{body}</table>'


def finding_list(findings: Iterable[object], css_class: str) -> str:
    items = "".join(f'<li style="color:{themed(NOTE)}">{esc(finding)}</li>' for finding in findings)
    return f'<ul class="{css_class}" style="margin:4px 0">{items}</ul>' if items else ""


def heading(text: str) -> str:
    return f'<div style="font-weight:600; margin-top:8px">{esc(text)}</div>'
