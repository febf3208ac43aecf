"""The JWTInspector widget reacts to its boxes' values the way a learner typing would make it."""

import json
import secrets
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jwt.algorithms import RSAAlgorithm

from authlab.inspect import JWTInspector, Status
from authlab.inspect.keys import key_form, read_key_text

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


# --- keys exactly as given ---------------------------------------------------------------------------------

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _signed(key, alg="HS256") -> str:
    return jwt.encode({"sub": "alice", "exp": int(time.time()) + 3600}, key, algorithm=alg)


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=32, max_size=96))
@example(b"{" + bytes(range(128, 160)))  # looks like the start of a JWK, but is a secret of raw bytes
@example(b"-----BEGIN \xff" + bytes(32))
def test_any_byte_key_verifies_and_is_shown_losslessly(key):
    widget = JWTInspector(_signed(key), key=key)
    assert widget.inspection.status is Status.VERIFIED, widget.inspection.verdict
    assert read_key_text(widget.key_box.value, widget.key_format.value) in (key, key.decode("utf-8", "ignore"))
    for form in ("hex", "base64"):
        widget.key_format.value = form
        assert read_key_text(widget.key_box.value, form) == key
        widget.key_box.value = widget.key_box.value + " "  # the learner touches the box: read back in that form
        assert widget.inspection.status is Status.VERIFIED


def test_random_bytes_from_secrets_as_in_lesson_03():
    key = secrets.token_bytes(32)
    widget = JWTInspector(_signed(key), key=key)
    assert widget.inspection.status is Status.VERIFIED
    if key_form(key) == "hex":
        assert widget.key_box.value == key.hex() and "32 bytes, shown as hex" in widget.key_note.value
        widget.key_format.value = "text"  # not text: stays hex, and says why
        assert widget.key_format.value == "hex" and "not text" in widget.key_note.value


@pytest.mark.parametrize("key, verifier", [
    ("your-256-bit-secret", "your-256-bit-secret"),
    (RSA_KEY, RSA_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()),
    (RSA_KEY, json.loads(RSAAlgorithm.to_jwk(RSA_KEY.public_key()))),
    (RSA_KEY, RSA_KEY),
])
def test_str_pem_jwk_and_key_objects_verify(key, verifier):
    alg = "HS256" if isinstance(key, str) else "RS256"
    widget = JWTInspector(_signed(key, alg), key=verifier)
    assert widget.inspection.status is Status.VERIFIED, widget.inspection.verdict


def test_one_verdict_banner():
    widget = JWTInspector(JWT_IO, SECRET)
    assert "authlab-jwt-status" not in widget.view.value and "John Doe" in widget.view.value
    assert widget.inspection.verdict in widget.verdict.value


def test_a_key_box_that_is_not_hex_says_so():
    widget = JWTInspector(JWT_IO, SECRET)
    widget.key_format.value = "hex"
    assert widget.key_box.value == SECRET.encode().hex() and widget.inspection.status is Status.VERIFIED
    widget.key_box.value = "zz-not-hex"
    assert "not hold valid hex" in widget.key_note.value and widget.inspection.status is Status.CANNOT_VERIFY
