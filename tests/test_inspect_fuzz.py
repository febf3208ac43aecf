"""Property-based: random and mutated tokens, keys and cookies always get a one-line verdict, quickly."""

import datetime as dt

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authlab.inspect import CookieInspection, Status, TokenInspection, encode, inspect_cookies, inspect_jwt
from authlab.wire import json_segment

SECRET = "Hq3vN8xR1mT6wL2pK9bY4dF7gH0sJ5cZ"
_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_EC = ec.generate_private_key(ec.SECP256R1())
RSA_PUBLIC = _RSA.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
TOKENS = [
    encode({"typ": "JWT"}, {"sub": "alice", "exp": 2_000_000_000, "card": "4111111111111111"}, SECRET).token,
    encode({"kid": "k1"}, {"sub": "bob", "iat": 1}, _RSA, alg="RS256").token,
    encode({}, {"sub": "carol", "nbf": 5}, _EC, alg="ES256").token,
    encode({"alg": "none"}, {"sub": "mallory"}).token,
]
KEYS = [None, "", SECRET, SECRET.encode(), RSA_PUBLIC, _EC.public_key(), {"kty": "oct", "k": "c2VjcmV0"}, "garbage",
        b"\x00\xff", 7]
QUICK = settings(max_examples=150, deadline=dt.timedelta(seconds=2),
                 suppress_health_check=[HealthCheck.too_slow])
ODD_CHARS = st.sampled_from(list(".=+/-_ \n\t\x00éA0") + ["eyJ", "..", "\u202e"])


def assert_verdict(report):
    assert isinstance(report, TokenInspection)
    assert report.status in Status
    assert report.verdict and "\n" not in report.verdict
    assert str(report) and report._repr_html_().startswith('<div class="authlab-jwt">')


@st.composite
def mutated_tokens(draw):
    token = draw(st.sampled_from(TOKENS))
    operation = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "swap", "duplicate"]))
    index = draw(st.integers(0, len(token)))
    if operation == "flip" and index < len(token):
        return token[:index] + draw(ODD_CHARS | st.characters()) + token[index + 1:]
    if operation == "truncate":
        return token[:index]
    if operation == "insert":
        return token[:index] + "".join(draw(st.lists(ODD_CHARS | st.characters(), max_size=8))) + token[index:]
    if operation == "delete":
        return token[:index] + token[index + 1:]
    parts = token.split(".")
    if operation == "swap":
        first, second = draw(st.permutations(range(3)))[:2]
        parts[first], parts[second] = parts[second], parts[first]
        return ".".join(parts)
    return ".".join(parts + parts[: draw(st.integers(1, 3))])


@QUICK
@given(token=mutated_tokens(), key=st.sampled_from(KEYS))
def test_mutated_tokens_always_get_a_verdict(token, key):
    report = inspect_jwt(token, key)
    assert_verdict(report)
    if token not in TOKENS and report.status is Status.VERIFIED:
        # a mutation that still verifies can only have touched bits base64url ignores, or the padding/prefix
        assert report.payload is not None and report.signature


@QUICK
@given(token=st.text(max_size=300) | st.binary(max_size=300), key=st.sampled_from(KEYS))
def test_random_input_always_gets_a_verdict(token, key):
    assert_verdict(inspect_jwt(token, key))


@QUICK
@given(key=st.text(max_size=200) | st.binary(max_size=200) | st.dictionaries(st.text(max_size=5), st.text(max_size=20)))
def test_random_keys_never_raise(key):
    for token in TOKENS:
        assert_verdict(inspect_jwt(token, key))


@QUICK
@given(header=st.dictionaries(st.text(max_size=8), st.none() | st.integers() | st.text(max_size=8), max_size=5),
       payload=st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
                            lambda children: st.lists(children, max_size=4)
                            | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=20))
def test_any_json_header_and_payload(header, payload):
    body = json_segment(payload if isinstance(payload, dict) else {"v": payload})
    assert_verdict(inspect_jwt(f"{json_segment(header)}.{body}.c2ln", SECRET))


@QUICK
@given(header=st.text(max_size=300))
def test_random_set_cookie_text_never_raises(header):
    report = inspect_cookies(header, secret_key=SECRET)
    assert isinstance(report, CookieInspection)
    assert str(report) and report._repr_html_()


@QUICK
@given(value=st.from_regex(r"\.?[A-Za-z0-9_-]{1,60}\.[A-Za-z0-9_-]{1,8}\.[A-Za-z0-9_-]{27}", fullmatch=True))
def test_random_flask_looking_cookies_get_a_status(value):
    cookie = inspect_cookies(f"session={value}", secret_key=SECRET)["session"]
    assert cookie.status in Status and cookie.verdict and "\n" not in cookie.verdict
