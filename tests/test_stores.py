import pytest
from fakes import FakeClock

from authlab.redis_server import RedisUnavailable, redis_available, start_redis
from authlab.stores import MemoryStore, RedisStore, SQLiteStore, new_session_id, open_store


@pytest.fixture(params=["memory", "sqlite-file", "sqlite-memory", "redis"])
def store(request, tmp_path):
    clock = FakeClock()
    if request.param == "memory":
        made = MemoryStore(clock)
    elif request.param == "sqlite-file":
        made = SQLiteStore(tmp_path / "sessions.db", clock)
    elif request.param == "sqlite-memory":
        made = SQLiteStore(":memory:", clock)
    else:
        made = RedisStore(request.getfixturevalue("redis_url"), prefix=f"test:{new_session_id()}:")
    made.clear()
    yield made
    made.clear()
    made.close()


def test_save_load_delete(store):
    store.save("a", {"user": "alice", "n": 1}, ttl=60)
    assert store.load("a") == {"user": "alice", "n": 1}
    assert "a" in store and len(store) == 1
    store.save("a", {"user": "alice", "n": 2}, ttl=60)
    assert store.load("a")["n"] == 2 and store.count() == 1
    store.delete("a")
    assert store.load("a") is None and "a" not in store
    store.delete("a")  # deleting twice is fine


def test_bytes_used_grows_with_entries(store):
    assert store.bytes_used() == 0
    store.save("k1", {"user": "alice"}, ttl=60)
    one = store.bytes_used()
    store.save("k2", {"user": "alice", "roles": ["admin"] * 50}, ttl=60)
    assert one > 0 and store.bytes_used() > 2 * one


def test_entries_expire(store):
    if isinstance(store, RedisStore):
        pytest.skip("Redis expires keys on its own clock; see test_redis_expires_keys")
    store.save("a", {"user": "alice"}, ttl=10)
    store.clock.now += 9.9
    assert store.load("a") is not None
    store.clock.now += 0.2
    assert store.load("a") is None and store.count() == 0


def test_redis_expires_keys(redis_url):
    store = RedisStore(redis_url, prefix="expiry:")
    store.save("a", {"u": 1}, ttl=0.05)
    assert store.client.pttl("expiry:a") <= 50
    store.close()


def test_sqlite_file_is_shared_between_store_objects(tmp_path):
    first, second = SQLiteStore(tmp_path / "s.db"), SQLiteStore(tmp_path / "s.db")
    first.save("sid", {"user": "alice"}, ttl=60)
    assert second.load("sid") == {"user": "alice"}


def test_session_ids_are_long_random_and_unique():
    ids = {new_session_id() for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(len(i) == 43 for i in ids)  # 32 bytes of base64url = 256 bits


def test_open_store_urls(tmp_path):
    assert isinstance(open_store("memory://"), MemoryStore)
    sqlite = open_store(f"sqlite:///{tmp_path}/x.db")
    assert isinstance(sqlite, SQLiteStore) and sqlite.path == f"{tmp_path}/x.db"
    with pytest.raises(ValueError, match="memory://"):
        open_store("postgres://nope")


def test_redis_store_without_server_says_what_to_do():
    with pytest.raises(ConnectionError, match="start_redis"):
        RedisStore("redis://127.0.0.1:1/0")


def test_start_redis_without_binary(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(RedisUnavailable, match="apt-get install redis-server"):
        start_redis()


def test_redis_server_dies_with_its_parent(tmp_path):
    """A kernel killed outright must not leave its redis-server behind."""
    import subprocess
    import sys

    import psutil

    if not redis_available():
        pytest.skip("redis-server not installed (CI installs it)")
    parent = subprocess.Popen(
        [sys.executable, "-c", "import time; from authlab.redis_server import start_redis; "
         "print(start_redis().process.pid, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    redis_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    gone, alive = psutil.wait_procs([psutil.Process(redis_pid)], timeout=5)
    for process in alive:
        process.kill()
    assert gone and not alive


def test_items_lists_live_entries_only(store):
    store.save("a", {"user": "alice"}, ttl=60)
    store.save("b", {"user": "bob"}, ttl=1)
    if isinstance(store, RedisStore):
        store.delete("b")  # Redis expires by its own clock, not the fake one
    else:
        store.clock.sleep(2)
    assert store.items() == {"a": {"user": "alice"}}


def test_sessions_of_a_user_and_ending_them_all_but_one(store):
    for key, user in [("a1", "alice"), ("a2", "alice"), ("a3", "alice"), ("b1", "bob")]:
        store.save(key, {"user": user, "device": key}, ttl=60)
    assert set(store.sessions_of("alice")) == {"a1", "a2", "a3"}
    assert store.sessions_of("alice")["a2"] == {"user": "alice", "device": "a2"}
    assert store.sessions_of("carol") == {}
    assert store.end_sessions_of("alice", keep="a2") == 2  # "sign out my other devices"
    assert set(store.sessions_of("alice")) == {"a2"} and "b1" in store
    assert store.end_sessions_of("alice") == 1 and store.sessions_of("alice") == {}
    assert store.end_sessions_of("alice") == 0
    assert "b1" in store  # bob is untouched throughout


def test_sessions_of_reads_another_field(store):
    store.save("x", {"username": "alice"}, ttl=60)
    assert set(store.sessions_of("alice", field="username")) == {"x"}
    assert store.end_sessions_of("alice", field="username") == 1
