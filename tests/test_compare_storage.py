"""Storage figures of `authlab compare` against stores and requests whose sizes are known."""

import json

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

import authlab
from authlab.apps import jwt_cookie_app, jwt_header_app, session_app
from authlab.client import log_in
from authlab.compare import storage
from authlab.redis_server import redis_available, start_redis
from authlab.stores import MemoryStore, RedisStore, SQLiteStore, new_session_id
from authlab.users import Users
from authlab.webapp import state_of

RECORD = {"user": "user000001", "created": 1700000000.5, "seen": 1700000000.5}
ENCODED = len(json.dumps(RECORD, separators=(",", ":"), sort_keys=True))
SID = len(new_session_id())  # 43 characters: 32 random bytes in URL-safe base64
POINTS = (1, 10, 100, 500)


@pytest.fixture(scope="module")
def users():
    return Users({"alice": "secret123"})


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.mark.parametrize("make, per_row", [
    (MemoryStore, SID + ENCODED),  # key and serialised value
    (lambda: SQLiteStore(":memory:"), SID + ENCODED + 8),  # plus the 8-byte REAL expiry
])
def test_growth_is_exactly_linear_on_stores_of_known_size(make, per_row):
    growth = storage.store_growth(make(), POINTS, record=lambda number: RECORD)
    assert growth.users == list(POINTS)
    assert growth.bytes == [users * per_row for users in POINTS]
    assert growth.per_session == [per_row] * len(POINTS)


def test_growth_of_a_file_store_counts_what_it_holds(tmp_path):
    store = SQLiteStore(tmp_path / "sessions.db")
    growth = storage.store_growth(store, (1, 5), record=lambda number: RECORD)
    assert growth.bytes == [SID + ENCODED + 8, 5 * (SID + ENCODED + 8)] and store.count() == 5
    store.close()


def test_realistic_records_look_like_the_session_apps_own(users):
    app = session_app(users=users)
    server = authlab.serve(app, name="compare-test-session", show=False)
    log_in(requests.Session(), server.url)
    kept = next(iter(state_of(app).store.items().values()))
    assert set(storage.session_record(1)) == set(kept)


@pytest.mark.redis
def test_redis_growth_uses_redis_own_memory_figure_and_keeps_the_expiry():
    if not redis_available():
        pytest.skip("redis-server not installed (CI installs it)")
    with start_redis() as redis:
        store = RedisStore(redis.url, prefix="compare-test:")
        growth = storage.store_growth(store, (1, 10, 1500), record=lambda number: RECORD)
        assert store.count() == 1500  # the batched writer flushed everything
        assert all(SID + ENCODED < size < 4 * (SID + ENCODED) for size in growth.per_session)  # payload + overhead
        assert max(growth.per_session) - min(growth.per_session) <= 8  # linear: the same cost per key
        key = next(store.client.scan_iter(match="compare-test:*"))
        assert 0 < store.client.pttl(key) <= storage.SESSION_TTL * 1000
        store.close()


def _sent_size(exchange) -> int:
    """Request size as the server received it: request line, headers, blank line."""
    lines = [f"{exchange.method} {exchange.path} HTTP/1.1"] + [f"{k}: {v}" for k, v in exchange.request_headers.items()]
    return sum(len(line) + 2 for line in lines) + 2


@pytest.mark.parametrize("factory, headers", [
    (session_app, {"Cookie"}),
    (jwt_header_app, {"Authorization"}),
    (jwt_cookie_app, {"Cookie", "X-CSRF-Token"}),
])
def test_wire_bytes_match_what_the_server_received(factory, headers, users):
    server = authlab.serve(factory(users=users), name="compare-test-wire", show=False)
    client = requests.Session()
    log_in(client, server.url)
    wire = storage.wire_bytes(factory.__name__, client, server.url + "/profile")
    server.clear_log()
    assert client.get(server.url + "/profile").status_code == 200
    received = server.log[-1]
    assert set(wire.credential_headers) == headers
    assert wire.request_bytes == _sent_size(received)
    for name, size in wire.credential_headers.items():
        assert size == len(f"{name}: {received.request_headers[name.title()]}\r\n")


def test_token_size_grows_with_claims_while_the_session_cookie_stays(rsa_key):
    sizes = storage.token_sizes((0, 1, 8, 64, 256), rsa_key)
    assert sizes.hs256 == sorted(sizes.hs256) and len(set(sizes.hs256)) == 5
    assert {rs - hs for rs, hs in zip(sizes.rs256, sizes.hs256, strict=True)} == {342 - 43}  # 256- vs 32-byte signature
    assert sizes.session_cookie == [len("session_id=") + SID] * 5
    assert sizes.session_record == sorted(sizes.session_record)  # the claims moved to the server instead
    assert sizes.over_cookie_limit() == [256]


def test_permissions_are_distinct_and_realistic():
    names = storage.permissions(100)
    assert len(set(names)) == 100 and names[0] == "invoices:read"


def test_server_side_bytes_per_approach(users):
    assert storage.server_bytes(state_of(jwt_header_app(users=users))) == 0  # stateless: no store at all
    app = jwt_cookie_app(users=users)
    server = authlab.serve(app, name="compare-test-cookie", show=False)
    client = requests.Session()
    log_in(client, server.url)
    assert storage.server_bytes(state_of(app)) == 0
    client.post(server.url + "/logout")
    assert storage.server_bytes(state_of(app)) > 0  # the revoked jti
    assert 20 < storage.denylist_entry_bytes(10) < 200
