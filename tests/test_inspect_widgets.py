"""The JWTInspector widget reacts to its boxes' values the way a learner typing would make it."""

import json

from authlab.inspect import JWTInspector, Status

JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5"
          "MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
SECRET = "your-256-bit-secret"


def test_verdict_follows_token_and_key():
    widget = JWTInspector()
    assert "MALFORMED" in widget.verdict.value and widget.view.value == ""
    widget.token_box.value = JWT_IO
    assert "CANNOT_VERIFY" in widget.verdict.value and "John Doe" in widget.view.value
    widget.key_box.value = SECRET
    assert "VERIFIED" in widget.verdict.value and "CANNOT" not in widget.verdict.value
    widget.key_box.value = "not-the-secret"
    assert "INVALID_SIGNATURE" in widget.verdict.value
    widget.token_box.value = JWT_IO[:-5]
    assert widget.inspection.status is Status.INVALID_SIGNATURE
    widget.token_box.value = "garbage"
    assert "MALFORMED" in widget.verdict.value and "no dots" in widget.verdict.value


def test_editors_show_the_decoded_parts():
    widget = JWTInspector(JWT_IO, SECRET)
    assert json.loads(widget.header_box.value) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(widget.payload_box.value)["name"] == "John Doe"


def test_editing_the_payload_re_signs_or_shows_tampering():
    widget = JWTInspector(JWT_IO, SECRET)
    widget.payload_box.value = '{"sub": "1234567890", "admin": true}'
    assert widget.inspection.status is Status.VERIFIED and widget.inspection.payload["admin"] is True
    assert "re-signed with HS256" in widget.encoder_status.value
    widget.keep_signature.value = True
    assert widget.inspection.status is Status.INVALID_SIGNATURE
    assert widget.token_box.value.endswith(JWT_IO.split(".")[2])
    assert "admin" in widget.payload_box.value  # the learner's edit stays in the editor


def test_edit_without_a_signing_key_keeps_the_signature():
    widget = JWTInspector(JWT_IO)
    widget.payload_box.value = '{"sub": "x"}'
    assert "cannot re-sign" in widget.encoder_status.value
    assert widget.inspection.status is Status.CANNOT_VERIFY


def test_alg_none_forgery_and_bad_json():
    widget = JWTInspector(JWT_IO, SECRET)
    widget.header_box.value = '{"alg": "none"}'
    assert widget.inspection.status is Status.UNSECURED and widget.token_box.value.endswith(".")
    token = widget.token_box.value
    widget.payload_box.value = '{"sub": '
    assert "not valid JSON" in widget.encoder_status.value and widget.token_box.value == token
    widget.payload_box.value = "[1]"
    assert "must be a JSON object" in widget.encoder_status.value


def test_stable_css_classes_and_report_widget():
    widget = JWTInspector(JWT_IO, SECRET.encode())  # a key in any form inspect_jwt takes
    assert "authlab-jwt-token" in widget.token_box._dom_classes
    assert "authlab-jwt-key" in widget.key_box._dom_classes
    assert "authlab-jwt-verdict" in widget.verdict._dom_classes
    assert "authlab-jwt-view" in widget.view._dom_classes
    assert "authlab-jwt-inspector" in widget._dom_classes
    assert widget.key_box.value == SECRET and widget.inspection.status is Status.VERIFIED
    assert repr(widget).startswith("JWTInspector: VERIFIED: signature verified")
