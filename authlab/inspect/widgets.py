"""A live JWT inspector widget: paste a token and a key, edit the header or payload, watch the verdict change.

    JWTInspector(token=token, key="your-256-bit-secret")     # key: any form inspect_jwt takes

Decoder: the token box and the key box are re-inspected on every keystroke. Encoder: editing the header or
payload JSON builds a new token, re-signed with the key when the key can sign (a secret, or a private key),
otherwise, or when "keep the old signature" is ticked, carrying the signature of the token last typed or
pasted, which the verdict then reports as invalid: that is what tampering looks like.

CSS classes (stable, for browser tests and styling):
    authlab-jwt-inspector       the whole widget
    authlab-jwt-token           the token Textarea
    authlab-jwt-key             the key Textarea
    authlab-jwt-verdict         the verdict line (HTML): status badge and one-line reason
    authlab-jwt-view            the full decoded view (HTML): coloured token, parts, claims, warnings
    authlab-jwt-header          the editable header JSON (Textarea)
    authlab-jwt-payload         the editable payload JSON (Textarea)
    authlab-jwt-keep-signature  the "keep the old signature" Checkbox
    authlab-jwt-encoder-status  what the encoder did last (HTML)
The verdict text always contains the status name (VERIFIED, INVALID_SIGNATURE, CANNOT_VERIFY, UNSECURED or
MALFORMED).
"""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as widgets

from authlab.inspect import _render as r
from authlab.inspect.jwt import TokenInspection, encode, inspect_jwt
from authlab.inspect.keys import UnusableKeyError, key_text

__all__ = ["JWTInspector"]


def _textarea(value: str, description: str, placeholder: str, css_class: str, height: str) -> widgets.Textarea:
    box = widgets.Textarea(value=value, description=description, placeholder=placeholder, continuous_update=True,
                           layout=widgets.Layout(width="100%", height=height))
    box.add_class(css_class)
    return box


def _html(css_class: str) -> widgets.HTML:
    view = widgets.HTML()
    view.add_class(css_class)
    return view


class JWTInspector(widgets.VBox):
    """jwt.io in the notebook: ``token_box`` and ``key_box`` in, ``verdict`` and ``view`` out, plus an encoder
    (``header_box``, ``payload_box``, ``keep_signature``). ``inspection`` is the latest TokenInspection."""

    def __init__(self, token: str = "", key: Any = "", *, now: Any = None, **kwargs):
        self.now = now
        self.inspection: TokenInspection | None = None
        self._original: TokenInspection | None = None  # the last token typed or pasted, not built by the encoder
        self.token_box = _textarea(token, "Token", "paste a JWT: header.payload.signature", "authlab-jwt-token", "90px")
        self.key_box = _textarea(key_text(key), "Key", "HS*: the secret; RS*/PS*/ES*/EdDSA: the public key (PEM or "
                                                       "JWK), or the private key to re-sign", "authlab-jwt-key", "60px")
        self.verdict = _html("authlab-jwt-verdict")
        self.view = _html("authlab-jwt-view")
        self.header_box = _textarea("", "Header", "header JSON", "authlab-jwt-header", "80px")
        self.payload_box = _textarea("", "Payload", "payload JSON", "authlab-jwt-payload", "140px")
        self.keep_signature = widgets.Checkbox(value=False, description="keep the old signature (shows tampering)",
                                               indent=False)
        self.keep_signature.add_class("authlab-jwt-keep-signature")
        self.encoder_status = _html("authlab-jwt-encoder-status")
        self._updating_editors = False
        self._writing_token = False
        encoder = widgets.VBox([
            widgets.HTML(r.heading("Encoder: edit the header or payload to build a new token")),
            self.header_box, self.payload_box, self.keep_signature, self.encoder_status,
        ])
        super().__init__([self.token_box, self.key_box, self.verdict, self.view, encoder], **kwargs)
        self.add_class("authlab-jwt-inspector")
        for box in (self.token_box, self.key_box):
            box.observe(self._on_input, names="value")
        for control in (self.header_box, self.payload_box, self.keep_signature):
            control.observe(self._on_edit, names="value")
        self._on_input()

    def __repr__(self) -> str:
        # the text/plain fallback (GitHub, nbconvert) shows the verdict rather than the widget tree
        return f"JWTInspector: {self.inspection.status}: {self.inspection.verdict}"

    def _on_input(self, change: dict | None = None) -> None:
        """Token or key changed: inspect again, and refresh the editors unless they caused the change."""
        self.inspection = inspect_jwt(self.token_box.value, self.key_box.value or None, now=self.now)
        report = self.inspection
        self.verdict.value = f"{r.badge(report.status, report.status.colour)} {r.esc(report.verdict)}"
        self.view.value = report._repr_html_() if self.token_box.value.strip() else ""
        if self._writing_token or report.header is None:
            return
        self._original = report
        self._updating_editors = True
        try:
            self.header_box.value = json.dumps(report.header, indent=2, ensure_ascii=False)
            self.payload_box.value = "" if report.payload is None else json.dumps(report.payload, indent=2,
                                                                                  ensure_ascii=False)
        finally:
            self._updating_editors = False

    def _on_edit(self, change: dict | None = None) -> None:
        """Header, payload or the checkbox changed: build the new token and put it in the token box."""
        if self._updating_editors or self._original is None:
            return
        try:
            header, payload = _json_object(self.header_box.value, "header"), _json_object(self.payload_box.value,
                                                                                          "payload")
        except ValueError as problem:
            self.encoder_status.value = f'<span style="color:{r.themed(r.BAD)}">{r.esc(problem)}</span>'
            return
        note = "kept the original token's signature: the verdict shows whether it still matches"
        if self.keep_signature.value:
            new = self._original.edit(header, payload, keep_signature=True)
        else:
            unsecured = str(header.get("alg", "")).lower() == "none"
            try:
                new = encode(header, payload, None if unsecured else self.key_box.value or None, now=self.now)
                note = f"re-signed with {new.alg}"
            except UnusableKeyError as problem:
                new = self._original.edit(header, payload, keep_signature=True)
                note = f"cannot re-sign ({problem}); kept the original token's signature"
        self.encoder_status.value = r.esc(note)
        self._writing_token = True
        try:
            self.token_box.value = new.token
        finally:
            self._writing_token = False


def _json_object(text: str, part: str) -> dict:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"the {part} is not valid JSON ({error})") from None
    if not isinstance(value, dict):
        raise ValueError(f"the {part} must be a JSON object {{...}}, not a {type(value).__name__}")
    return value
