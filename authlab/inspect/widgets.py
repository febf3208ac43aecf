"""A live JWT inspector widget: paste a token and a key, edit the header or payload, watch the verdict change.

    JWTInspector(token=token, key="your-256-bit-secret")     # key: any form inspect_jwt takes
    JWTInspector(token=token, key=secrets.token_bytes(32))    # verified with exactly these bytes, shown as hex

Decoder: the token box and the key box are re-inspected on every keystroke. Encoder: editing the header or
payload JSON builds a new token, re-signed with the key when the key can sign (a secret, or a private key),
otherwise, or when "keep the old signature" is ticked, carrying the signature of the token last typed or
pasted, which the verdict then reports as invalid: that is what tampering looks like.

The key is used exactly as given (str, bytes, PEM, JWK, a cryptography key) until the Key box is edited. The
box shows it losslessly: bytes that are not text as hex; "Key as" switches between text, hex and base64, and
what is typed is read in that form.

CSS classes (stable, for browser tests and styling):
    authlab-jwt-inspector       the whole widget
    authlab-jwt-token           the token Textarea
    authlab-jwt-key             the key Textarea
    authlab-jwt-key-format      "Key as": text, hex or base64 (ToggleButtons)
    authlab-jwt-key-note        what the Key box holds, or why it cannot be read (HTML)
    authlab-jwt-verdict         the verdict line (HTML): status badge and one-line reason
    authlab-jwt-view            the full decoded view (HTML): coloured token, parts, claims, warnings (no
                                second verdict banner)
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
from authlab.inspect import jwt_html
from authlab.inspect.jwt import TokenInspection, encode, inspect_jwt
from authlab.inspect.keys import KEY_FORMS, UnusableKeyError, key_form, key_text, read_key_text
from authlab.theme import TOGGLE_STYLE, TOGGLES

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
        self.key = key if key is not None else ""  # as given, until the Key box is edited
        form = key_form(self.key)
        self.key_box = _textarea(key_text(self.key, form), "Key", "HS*: the secret; RS*/PS*/ES*/EdDSA: the public "
                                 "key (PEM or JWK), or the private key to re-sign", "authlab-jwt-key", "60px")
        self.key_format = widgets.ToggleButtons(options=KEY_FORMS, value=form, description="Key as",
                                                style={"button_width": "70px"})
        self.key_format.add_class("authlab-jwt-key-format")
        self.key_note = _html("authlab-jwt-key-note")
        self._writing_key = False
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
        super().__init__([widgets.HTML(TOGGLE_STYLE), self.token_box, self.key_box, self.key_format, self.key_note,
                          self.verdict, self.view, encoder], **kwargs)
        self.add_class("authlab-jwt-inspector")
        self.add_class(TOGGLES)
        self.token_box.observe(self._on_input, names="value")
        self.key_box.observe(self._on_key_typed, names="value")
        self.key_format.observe(self._on_key_format, names="value")
        for control in (self.header_box, self.payload_box, self.keep_signature):
            control.observe(self._on_edit, names="value")
        self._note_key()
        self._on_input()

    def __repr__(self) -> str:
        # the text/plain fallback (GitHub, nbconvert) shows the verdict rather than the widget tree
        return f"JWTInspector: {self.inspection.status}: {self.inspection.verdict}"

    def _on_key_typed(self, change: dict | None = None) -> None:
        """The learner edited the Key box: read it in the chosen form."""
        if self._writing_key:
            return
        try:
            self.key = read_key_text(self.key_box.value, self.key_format.value)
            self.key_note.value = ""
        except UnusableKeyError as problem:
            self.key = ""
            self.key_note.value = f'<span style="color:{r.themed(r.BAD)}">{r.esc(problem)}</span>'
        self._on_input()

    def _on_key_format(self, change: dict) -> None:
        """Show the same key in another form; bytes that are not text stay in hex or base64."""
        if change["new"] == "text" and key_form(self.key) != "text":
            self.key_format.value = change["old"]
            self.key_note.value = r.esc(f"these {len(self.key)} bytes are not text: shown as {change['old']}")
            return
        self._writing_key = True
        try:
            self.key_box.value = key_text(self.key, change["new"])
        finally:
            self._writing_key = False
        self._note_key()

    def _note_key(self) -> None:
        if isinstance(self.key, bytes) and self.key and self.key_format.value != "text":
            self.key_note.value = r.esc(f"{len(self.key)} bytes, shown as {self.key_format.value}")
        else:
            self.key_note.value = ""

    def _on_input(self, change: dict | None = None) -> None:
        """Token or key changed: inspect again, and refresh the editors unless they caused the change."""
        self.inspection = inspect_jwt(self.token_box.value, self.key or None, now=self.now)
        report = self.inspection
        self.verdict.value = f"{r.badge(report.status, report.status.colour)} {r.esc(report.verdict)}"
        self.view.value = jwt_html.html(report, status=False) if self.token_box.value.strip() else ""
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
                new = encode(header, payload, None if unsecured else self.key or None, now=self.now)
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
