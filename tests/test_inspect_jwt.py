"""authlab.inspect_jwt against the RFC and jwt.io example tokens, every status, every warning, every key family."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from jwt.algorithms import RSAAlgorithm

import authlab
from authlab.inspect import Status, UnusableKeyError, encode, inspect_jwt
from authlab.theme import themed
from authlab.wire import b64url_encode as _b64
from authlab.wire import json_segment as _b64_json

# RFC 7515 Appendix A (and RFC 7519 section 3.1, which is the same HS256 token), typed in verbatim.
RFC_PAYLOAD = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
RFC7515_A1 = ("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." + RFC_PAYLOAD
              + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
RFC7519_3_1 = RFC7515_A1
RFC7515_A1_KEY = {"kty": "oct",
                  "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}
RFC7515_A2 = ("eyJhbGciOiJSUzI1NiJ9." + RFC_PAYLOAD + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZ"
              "mh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6x"
              "BArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6"
              "IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw")
RFC7515_A2_KEY = {"kty": "RSA", "e": "AQAB",
                  "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d"
                       "4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdb"
                       "BYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWN"
                       "moudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"}
RFC7515_A3 = ("eyJhbGciOiJFUzI1NiJ9." + RFC_PAYLOAD
              + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q")
RFC7515_A3_KEY = {"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                  "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}
RFC7515_A5 = "eyJhbGciOiJub25lIn0." + RFC_PAYLOAD + "."

JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5"
          "MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
JWT_IO_SECRET = "your-256-bit-secret"
ARTICLE = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOjEsInVzZXJuYW1lIjoiYWxpY2UifQ."
           "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")

NOW = 1_700_000_000
STRONG = "k3Jq9vX2mR7tLw5pZ8yN4bC6dF1gH0sQ"  # 32 characters, not in the wordlist


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key, private=False):
    """PEM text of a key: its private form, or its public form (from a private or a public key)."""
    if private:
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    public = key.public_key() if hasattr(key, "private_bytes") else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# --- the published example tokens --------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "key"), [
    (RFC7515_A1, RFC7515_A1_KEY),
    (RFC7515_A1, json.dumps(RFC7515_A1_KEY)),
    (RFC7519_3_1, RFC7515_A1_KEY),
    (RFC7515_A2, RFC7515_A2_KEY),
    (RFC7515_A2, pem(RSAAlgorithm.from_jwk(RFC7515_A2_KEY))),
    (RFC7515_A3, RFC7515_A3_KEY),
], ids=["7515-A.1-jwk", "7515-A.1-jwk-json", "7519-3.1", "7515-A.2-jwk", "7515-A.2-pem", "7515-A.3"])
def test_rfc_examples_verify(token, key):
    report = inspect_jwt(token, key, now=NOW)
    assert report.status is Status.VERIFIED, report.verdict
    assert report.payload == {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
    exp = next(claim for claim in report.claims if claim.name == "exp")
    assert exp.date == "2011-03-22 18:43:00 UTC"
    assert exp.relative.startswith("expired ")
    assert "expired" in report.warning_codes and "has expired" in report.verdict


def test_rfc_examples_fail_with_the_other_examples_key():
    assert inspect_jwt(RFC7515_A1, {"kty": "oct", "k": _b64(b"x" * 32)}).status is Status.INVALID_SIGNATURE
    wrong_n = dict(RFC7515_A2_KEY, n="q" + RFC7515_A2_KEY["n"][1:])
    assert inspect_jwt(RFC7515_A2, wrong_n).status is Status.INVALID_SIGNATURE
    assert inspect_jwt(RFC7515_A2, RFC7515_A1_KEY).status is Status.CANNOT_VERIFY
    assert inspect_jwt(RFC7515_A3, RFC7515_A2_KEY).status is Status.CANNOT_VERIFY


def test_rfc7515_a5_unsecured():
    report = inspect_jwt(RFC7515_A5, now=NOW)
    assert report.status is Status.UNSECURED
    assert "alg-none" in report.warning_codes
    assert inspect_jwt(RFC7515_A5, "any key").status is Status.UNSECURED


def test_jwt_io_default_token_verifies_with_its_published_secret():
    report = inspect_jwt(JWT_IO, JWT_IO_SECRET, now=NOW)
    assert report.status is Status.VERIFIED and report.verified and not report.expired
    assert report.payload == {"sub": "1234567890", "name": "John Doe", "iat": 1516239022}
    assert {"weak-secret", "no-exp"} <= report.warning_codes


def test_article_token_does_not_verify_its_signature_is_jwt_ios():
    report = inspect_jwt(ARTICLE, JWT_IO_SECRET, now=NOW)
    assert report.status is Status.INVALID_SIGNATURE
    assert report.payload == {"userId": 1, "username": "alice"}


def test_edited_payload_reports_invalid_signature():
    header, _, signature = JWT_IO.split(".")
    forged = f"{header}.{_b64_json({'sub': '1234567890', 'name': 'John Doe', 'admin': True})}.{signature}"
    assert inspect_jwt(forged, JWT_IO_SECRET).status is Status.INVALID_SIGNATURE
    tampered = inspect_jwt(JWT_IO, JWT_IO_SECRET).edit(payload={"sub": "0"}, keep_signature=True)
    assert tampered.status is Status.INVALID_SIGNATURE
    assert tampered.segments[2] == signature


def test_resigning_an_edit_verifies():
    report = inspect_jwt(JWT_IO, JWT_IO_SECRET, now=NOW)
    resigned = report.edit(payload={**report.payload, "admin": True})
    assert resigned.status is Status.VERIFIED
    assert resigned.payload["admin"] is True and resigned.header == report.header


def test_top_level_api():
    assert authlab.inspect_jwt is inspect_jwt
    assert authlab.inspect_jwt(JWT_IO).status == "CANNOT_VERIFY"


# --- every algorithm family -------------------------------------------------------------------------------


def _keys(alg, rsa_key):
    if alg.startswith(("RS", "PS")):
        return rsa_key, rsa.generate_private_key(public_exponent=65537, key_size=1024)
    if alg.startswith("ES"):
        curve = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1, "ES256K": ec.SECP256K1}[alg]
        return ec.generate_private_key(curve()), ec.generate_private_key(curve())
    return ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_family(alg):
    token = encode({"typ": "JWT"}, {"sub": "alice"}, STRONG, alg=alg).token
    assert inspect_jwt(token, STRONG).status is Status.VERIFIED
    assert inspect_jwt(token, STRONG.encode()).status is Status.VERIFIED
    assert inspect_jwt(token, STRONG[::-1]).status is Status.INVALID_SIGNATURE
    assert inspect_jwt(token).status is Status.CANNOT_VERIFY


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                                 "ES256", "ES384", "ES512", "ES256K", "EdDSA"])
def test_public_key_families(alg, rsa_key):
    private, other = _keys(alg, rsa_key)
    token = encode({"typ": "JWT"}, {"sub": "alice"}, pem(private, private=True), alg=alg).token
    public_jwk = json.loads(json.dumps(_jwk(private.public_key())))
    for key in (pem(private), public_jwk, json.dumps(public_jwk), private.public_key()):
        report = inspect_jwt(token, key)
        assert report.status is Status.VERIFIED, (key, report.verdict)
        assert "private-key" not in report.warning_codes
    assert inspect_jwt(token, pem(other)).status is Status.INVALID_SIGNATURE
    wrong_type = inspect_jwt(token, STRONG)
    assert wrong_type.status is Status.CANNOT_VERIFY and "secret string" in wrong_type.verdict


def _jwk(public_key):
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm

    if isinstance(public_key, rsa.RSAPublicKey):
        return RSAAlgorithm.to_jwk(public_key, as_dict=True)
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return ECAlgorithm.to_jwk(public_key, as_dict=True)
    return OKPAlgorithm.to_jwk(public_key, as_dict=True)


def test_ed448_verifies():
    private = ed448.Ed448PrivateKey.generate()
    token = encode({}, {"sub": "a"}, private, alg="EdDSA").token
    assert inspect_jwt(token, private.public_key()).status is Status.VERIFIED


# --- keys that do not fit ---------------------------------------------------------------------------------


def test_public_key_as_hmac_secret_is_refused(rsa_key):
    public_pem = pem(rsa_key)
    signing_input = f"{_b64_json({'alg': 'HS256'})}.{_b64_json({'sub': 'admin'})}"
    forged_signature = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    report = inspect_jwt(f"{signing_input}.{_b64(forged_signature)}", public_pem)
    assert report.status is Status.CANNOT_VERIFY
    assert "algorithm-confusion" in report.verdict


def test_curve_must_match():
    private = ec.generate_private_key(ec.SECP256R1())
    token = encode({}, {"sub": "a"}, private, alg="ES256").token
    header = _b64_json({"alg": "ES384"})
    report = inspect_jwt(f"{header}.{token.split('.', 1)[1]}", private.public_key())
    assert report.status is Status.CANNOT_VERIFY and "P-384" in report.verdict


def test_private_key_verifies_with_a_warning(rsa_key):
    token = encode({}, {"sub": "a"}, rsa_key, alg="RS256").token
    report = inspect_jwt(token, pem(rsa_key, private=True))
    assert report.status is Status.VERIFIED
    assert "private-key" in report.warning_codes


def test_short_rsa_key_is_flagged():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    report = inspect_jwt(encode({}, {"sub": "a"}, small, alg="RS256").token, small.public_key())
    assert report.status is Status.VERIFIED and "short-key" in report.warning_codes


@pytest.mark.parametrize(("key", "fragment"), [
    (12345, "not int"),
    ([1, 2], "not list"),
    ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "PEM text cannot be read"),
    ("{not json", "not valid JSON"),
    ({"kty": "XYZ"}, "kty 'XYZ'"),
    ({"kty": "RSA", "n": "!!"}, "cannot be read"),
    ("x" * 70_000, "64 KiB"),
])
def test_unreadable_keys_give_one_line(key, fragment):
    report = inspect_jwt(encode({}, {"sub": "a"}, STRONG, alg="HS256").token, key)
    assert report.status is Status.CANNOT_VERIFY
    assert fragment in report.verdict and "\n" not in report.verdict


def test_encrypted_private_key_is_explained(rsa_key):
    encrypted = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(b"pw"))
    token = encode({}, {"sub": "a"}, rsa_key, alg="RS256").token
    assert "encrypted" in inspect_jwt(token, encrypted).verdict


def test_jwk_set_picks_the_key_by_kid(rsa_key):
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    jwks = {"keys": [dict(_jwk(other.public_key()), kid="old"), dict(_jwk(rsa_key.public_key()), kid="new")]}
    token = encode({"kid": "new"}, {"sub": "a"}, rsa_key, alg="RS256").token
    assert inspect_jwt(token, jwks).status is Status.VERIFIED
    unknown = encode({"kid": "gone"}, {"sub": "a"}, rsa_key, alg="RS256").token
    assert "0 keys matching kid 'gone'" in inspect_jwt(unknown, jwks).verdict


def test_unknown_alg_cannot_be_verified():
    token = f"{_b64_json({'alg': 'HS1'})}.{_b64_json({})}.{_b64(b'sig')}"
    report = inspect_jwt(token, STRONG)
    assert report.status is Status.CANNOT_VERIFY and "'HS1'" in report.verdict


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_every_spelling_of_none_is_unsecured(alg):
    report = inspect_jwt(f"{_b64_json({'alg': alg})}.{_b64_json({'sub': 'a'})}.", STRONG)
    assert report.status is Status.UNSECURED and "alg-none" in report.warning_codes


def test_alg_none_with_a_signature_left_on():
    header, payload, signature = JWT_IO.split(".")
    report = inspect_jwt(f"{_b64_json({'alg': 'none'})}.{payload}.{signature}")
    assert report.status is Status.UNSECURED
    assert any("signature part is present" in str(f) for f in report.warnings)


def test_stripped_signature_is_invalid():
    header, payload, _ = JWT_IO.split(".")
    report = inspect_jwt(f"{header}.{payload}.", JWT_IO_SECRET)
    assert report.status is Status.INVALID_SIGNATURE and "empty" in report.verdict


# --- encoder ----------------------------------------------------------------------------------------------


def test_encode_builds_tokens_pyjwt_accepts():
    import jwt

    report = encode({"typ": "JWT"}, {"sub": "alice", "exp": NOW + 60}, STRONG, now=NOW)
    assert report.header == {"typ": "JWT", "alg": "HS256"}
    assert jwt.decode(report.token, STRONG, algorithms=["HS256"], options={"verify_exp": False})["sub"] == "alice"


def test_encode_unsecured_and_refusals(rsa_key):
    assert encode({"alg": "none"}, {"sub": "a"}).status is Status.UNSECURED
    with pytest.raises(UnusableKeyError, match="takes no key"):
        encode({"alg": "none"}, {}, STRONG)
    with pytest.raises(UnusableKeyError, match="needs the shared secret to sign"):
        encode({}, {}, alg="HS256")
    with pytest.raises(UnusableKeyError, match="can only verify"):
        encode({}, {}, pem(rsa_key), alg="RS256")
    with pytest.raises(UnusableKeyError, match="unknown alg"):
        encode({}, {}, STRONG, alg="XS256")
    with pytest.raises(TypeError):
        encode([], {}, STRONG)
    with pytest.raises(ValueError, match="could not be decoded"):
        inspect_jwt("garbage").edit(keep_signature=True)


# --- claims and warnings ----------------------------------------------------------------------------------


def _token(payload, header=None, key=STRONG):
    return encode(header or {}, payload, key, alg="HS256").token


def test_every_registered_claim_is_explained_in_a_sentence():
    payload = {"iss": "me", "sub": "alice", "aud": "api", "exp": NOW + 60, "nbf": NOW, "iat": NOW, "jti": "1",
               "role": "admin"}
    claims = {claim.name: claim for claim in inspect_jwt(_token(payload), STRONG, now=NOW).claims}
    for name in ("iss", "sub", "aud", "exp", "nbf", "iat", "jti"):
        assert claims[name].meaning.endswith(".") and claims[name].meaning.count(". ") == 0
        assert "Private claim" not in claims[name].meaning
    assert "Private claim" in claims["role"].meaning
    assert claims["iat"].relative == "issued 0 s ago"


def test_relative_times_read_like_speech():
    payload = {"iat": NOW, "exp": NOW + 24 * 3600}
    claims = {c.name: c for c in inspect_jwt(_token(payload), STRONG, now=NOW + 60).claims}
    assert claims["exp"].relative == "expires in 23 h 59 min"
    assert claims["exp"].date == "2023-11-15 22:13:20 UTC"
    later = {c.name: c for c in inspect_jwt(_token(payload), STRONG, now=NOW + 24 * 3600 + 300).claims}
    assert later["exp"].relative == "expired 5 min ago"
    as_datetime = dt.datetime.fromtimestamp(NOW + 60, dt.UTC)
    assert inspect_jwt(_token(payload), STRONG, now=as_datetime).claims[1].relative == "expires in 23 h 59 min"


@pytest.mark.parametrize(("payload", "header", "code"), [
    ({"sub": "a"}, {}, "no-exp"),
    ({"sub": "a", "iat": NOW, "exp": NOW + 2 * 24 * 3600}, {}, "long-lifetime"),
    ({"sub": "a", "exp": NOW + 3 * 24 * 3600}, {}, "long-lifetime"),
    ({"sub": "a", "exp": NOW - 300}, {}, "expired"),
    ({"sub": "a", "exp": NOW + 600, "nbf": NOW + 300}, {}, "not-yet-valid"),
    ({"sub": "a", "exp": "tomorrow"}, {}, "bad-date"),
    ({"sub": "a", "exp": 10**20}, {}, "bad-date"),
    ({"sub": 42, "exp": NOW + 60}, {}, "sub-not-string"),
    ({"sub": "a", "exp": NOW + 60, "password": "hunter2"}, {}, "sensitive-claim"),
    ({"sub": "a", "exp": NOW + 60, "profile": {"card": "4111 1111 1111 1111"}}, {}, "sensitive-claim"),
    ({"sub": "a", "exp": NOW + 60, "tax_id": "078-05-1120"}, {}, "sensitive-claim"),
    ({"sub": "a", "exp": NOW + 60}, {"jku": "https://evil.example/jwks"}, "untrusted-header"),
    ({"sub": "a", "exp": NOW + 60}, {"jwk": {"kty": "oct"}}, "untrusted-header"),
    ({"sub": "a", "exp": NOW + 60}, {"x5u": "https://evil.example/cert"}, "untrusted-header"),
    ({"sub": "a", "exp": NOW + 60}, {"x5c": ["MIIB"]}, "untrusted-header"),
    ({"sub": "a", "exp": NOW + 60}, {"kid": "../../dev/null"}, "untrusted-header"),
])
def test_each_warning(payload, header, code):
    report = inspect_jwt(_token(payload, header), STRONG, now=NOW)
    assert report.status is Status.VERIFIED
    assert code in report.warning_codes, report.warnings


def test_a_clean_token_has_no_warnings():
    report = inspect_jwt(_token({"sub": "a", "iat": NOW, "exp": NOW + 900}), STRONG, now=NOW)
    assert report.status is Status.VERIFIED and report.warnings == []


def test_card_number_needs_the_luhn_check():
    report = inspect_jwt(_token({"sub": "a", "exp": NOW + 60, "ref": "4111 1111 1111 1112"}), STRONG, now=NOW)
    assert "sensitive-claim" not in report.warning_codes


@pytest.mark.parametrize(("secret", "fragment"), [("secret", "common secrets"), ("x7Qp2Lr9", "bytes")])
def test_weak_secrets(secret, fragment):
    report = inspect_jwt(_token({"sub": "a", "exp": NOW + 60}, key=secret), secret, now=NOW)
    weak = [f for f in report.warnings if f.code == "weak-secret"]
    assert weak and fragment in weak[0].message


def test_padding_and_bearer_prefix_are_tolerated_but_flagged():
    header, payload, signature = JWT_IO.split(".")
    padded = inspect_jwt(f"Bearer {header}.{payload}=.{signature}", JWT_IO_SECRET)
    assert padded.status is Status.INVALID_SIGNATURE  # the signature covers the padded text
    assert {"padding", "bearer-prefix"} <= padded.warning_codes
    assert inspect_jwt(f"  Bearer {JWT_IO}\n", JWT_IO_SECRET).status is Status.VERIFIED


# --- bad tokens -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("token", "fragment"), [
    ("", "empty"),
    ("   ", "empty"),
    ("hello", "no dots"),
    ("a.b", "this has 2"),
    ("a.b.c.d.e", "encrypted token (JWE)"),
    ("eyJhbGciOiJIUzI1NiJ9+.e30.", "standard base64"),
    ("eyJhbGciOiJIUzI1NiJ9.e30x1.abc", "impossible base64url length"),
    ("bm90IGpzb24.e30.abc", "header is not JSON"),
    ("WzEsMl0.e30.abc", "a list, not an object"),
    (_b64(b"\xff\xfe") + ".e30.abc", "not UTF-8"),
    ("e30.e30.abc", "no alg"),
    (_b64_json({"alg": "HS256"}) + ".bm9wZQ.abc", "payload is not JSON"),
    (_b64_json({"alg": "HS256"}) + "." + _b64(b"[" * 30_000) + ".abc", "nested too deeply"),
    (_b64_json({"alg": "HS256"}) + ".." + "abc", "payload part is empty"),
    ("x" * 70_000, "64 KiB"),
    (b"\xff\xfe", "non-ASCII"),
    (None, "got NoneType"),
    (3.14, "got float"),
])
def test_malformed_tokens_get_a_one_line_verdict(token, fragment):
    report = inspect_jwt(token, STRONG)
    assert report.status is Status.MALFORMED
    assert fragment in report.verdict and "\n" not in report.verdict
    assert str(report) and report._repr_html_()


def test_bytes_token_is_read():
    assert inspect_jwt(JWT_IO.encode(), JWT_IO_SECRET).status is Status.VERIFIED


# --- representations --------------------------------------------------------------------------------------


def test_html_colours_the_three_parts_like_jwt_io():
    html = inspect_jwt(JWT_IO, JWT_IO_SECRET)._repr_html_()
    header, payload, signature = JWT_IO.split(".")
    # jwt.io's red, purple and blue, mixed with the theme's text colour (tests/test_theme.py measures them)
    assert f'<span style="color:{themed("#fb015b")}">{header}</span>' in html
    assert f'<span style="color:{themed("#d63aff")}">{payload}</span>' in html
    assert f'<span style="color:{themed("#00b9f1")}">{signature}</span>' in html
    assert "&quot;John Doe&quot;" in html and "VERIFIED" in html


def test_html_escapes_what_the_token_says():
    report = inspect_jwt(_token({"sub": "<script>alert(1)</script>"}), STRONG)
    assert "<script>" not in report._repr_html_()
    assert "<script>" in str(report)


def test_text_form_for_terminals():
    text = str(inspect_jwt(ARTICLE, JWT_IO_SECRET, now=NOW))
    assert text.startswith("JWT INVALID_SIGNATURE: invalid signature")
    assert '"username": "alice"' in text and "! no exp claim" in text
    assert repr(inspect_jwt(ARTICLE)) == str(inspect_jwt(ARTICLE))


def test_deep_and_wide_payloads_still_render():
    deep = inspect_jwt(f"{_b64_json({'alg': 'HS256'})}.{_b64_json({'a': json.loads('[' * 900 + ']' * 900)})}.c2ln")
    assert deep.status is Status.CANNOT_VERIFY and "[[[[" in str(deep) and deep._repr_html_()
    wide = inspect_jwt(_token({f"k{i}": i for i in range(3000)}), STRONG)
    assert wide.status is Status.VERIFIED and len(wide.claims) == 100
    assert "chars)" in str(wide)  # the payload is shortened in the middle, saying how long it was


def test_oversized_encode_keeps_the_token_and_says_why():
    report = encode({}, {"blob": "y" * 70_000}, STRONG)
    assert report.status is Status.MALFORMED and "64 KiB" in report.verdict
    assert len(report.token) > 70_000
