"""A TokenInspection as jwt.io draws it: red header, purple payload, blue signature, then claims and warnings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from authlab.inspect import _render as r
from authlab.inspect.jwt_review import HEADER_MEANINGS

if TYPE_CHECKING:
    from authlab.inspect.jwt import TokenInspection

__all__ = ["html"]


def html(report: TokenInspection, *, status: bool = True) -> str:
    """The report as HTML, the way jwt.io shows a token; ``status=False`` leaves out the verdict banner (the
    widget shows its own)."""
    badge = r.badge(report.status, report.status.colour)
    banner = f'<div class="authlab-jwt-status">{badge} {r.esc(report.verdict)}</div>'
    parts = [
        banner if status else "",
        f'<div class="authlab-jwt-encoded" style="{r.MONO}; word-break:break-all; margin:6px 0">'
        f"{_coloured_token(report)}</div>",
        '<div style="display:flex; flex-wrap:wrap; gap:12px">',
        _panel("HEADER: algorithm and token type", report.header, r.HEADER_COLOUR, HEADER_MEANINGS),
        _panel("PAYLOAD: data", report.payload, r.PAYLOAD_COLOUR),
        _signature_panel(report),
        "</div>",
    ]
    if report.claims:
        rows = [
            (f"<code>{r.esc(c.name)}</code>",
             f"<code>{r.esc(r.shorten(json.dumps(c.value, ensure_ascii=False, default=repr)))}</code>"
             + (f"<br>{r.esc(c.date)}<br><b>{r.esc(c.relative)}</b>" if c.date else ""),
             r.esc(c.meaning))
            for c in report.claims
        ]
        parts += [r.heading("Claims"), r.table(("claim", "value", "meaning"), rows)]
    if report.warnings:
        parts += [r.heading("Warnings"), r.finding_list(report.warnings, "authlab-jwt-warnings")]
    return '<div class="authlab-jwt">' + "".join(parts) + "</div>"

def _coloured_token(report: TokenInspection) -> str:
    if not 1 <= len(report.segments) <= 3:
        return r.esc(r.shorten(report.token, 4000))
    colours = (r.HEADER_COLOUR, r.PAYLOAD_COLOUR, r.SIGNATURE_COLOUR)
    return ".".join(
        f'<span style="color:{colour}">{r.esc(r.shorten(segment, 4000))}</span>'
        for segment, colour in zip(report.segments, colours, strict=False)
    )

def _signature_panel(report: TokenInspection) -> str:
    alg = r.shorten(report.alg, 40) if isinstance(report.alg, str) else "?"
    formula = (
        f"{alg}(\n  base64UrlEncode(header) + \".\" +\n  base64UrlEncode(payload),\n  "
        f"{'secret' if alg.startswith('HS') else 'key'}\n)\n\n{len(report.signature)} bytes"
    )
    body = r.code_block(formula, r.SIGNATURE_COLOUR) + r.badge(report.status, report.status.colour,
                                                                "authlab-jwt-signature-status")
    return _panel_frame("SIGNATURE", r.SIGNATURE_COLOUR, body)


def _panel_frame(title: str, colour: str, body: str) -> str:
    return (f'<div style="flex:1 1 260px; min-width:0; border-left:4px solid {colour}; padding-left:8px">'
            f'<div style="font-weight:600; color:{colour}">{r.esc(title)}</div>{body}</div>')


def _panel(title: str, part: dict | None, colour: str, meanings: dict | None = None) -> str:
    if part is None:
        return _panel_frame(title, colour, "<i>not decoded</i>")
    body = r.code_block(r.shorten(r.pretty_json(part), 20000), colour)
    if meanings:
        notes = [f"<code>{r.esc(name)}</code>: {r.esc(meanings[name])}" for name in part if name in meanings]
        body += "<br>".join(f"<small>{note}</small>" for note in notes)
    return _panel_frame(title, colour, body)
