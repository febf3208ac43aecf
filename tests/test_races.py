"""Several processes touching shared state for the first time, at the same moment.

Each test here repeats a first use many times in a row, because a race shows up in a few
percent of tries: lesson 05 met "database is locked" in half its runs on an idle machine.
"""

import multiprocessing
import socket
import threading

import pytest
import requests

from authlab import cluster, redis_server
from authlab.client import log_in
from authlab.jwks import JWKS_PATH
from authlab.redis_server import redis_available, start_redis
from authlab.stores import SQLiteStore
from authlab.users import Users

ALICE = {"username": "alice", "password": "secret123"}
needs_redis = pytest.mark.skipif(not redis_available(), reason="redis-server not installed")


def _open_store(path: str, ready, results) -> None:
    ready.wait()
    try:
        store = SQLiteStore(path)
        store.save("k", {"pid": 1}, ttl=60)
        results.put("ok")
    except Exception as error:  # reported, not raised: the parent counts the failures
        results.put(f"{type(error).__name__}: {error}")


def test_sqlite_store_opened_by_racing_processes(tmp_path):
    """Six processes released at once on each of 60 fresh files (before the fix: 1-8% of opens failed)."""
    context = multiprocessing.get_context("fork")
    processes, files = 6, 60
    failures = []
    for index in range(files):
        ready, results = context.Barrier(processes), context.Queue()
        workers = [context.Process(target=_open_store, args=(str(tmp_path / f"{index}.db"), ready, results))
                   for _ in range(processes)]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(10)
        failures += [outcome for outcome in outcomes if outcome != "ok"]
    assert not failures, f"{len(failures)} of {processes * files} first opens failed: {failures[:3]}"


def test_sqlite_clusters_started_in_a_row(tmp_path):
    """Lesson 05's second cluster, 12 times on fresh files, 3 workers each opening the store at once."""
    users = Users()
    for index in range(12):
        sessions = cluster.start("session", n=3, name="race-sqlite", store=f"sqlite:///{tmp_path}/{index}.db",
                                 users=users)
        client = sessions.client()
        assert log_in(client, "").status_code == 200
        assert [client.get("/profile").status_code for _ in sessions.pids] == [200] * 3
    cluster.stop_all()


def test_auth_service_processes_share_one_signing_key(tmp_path):
    """Each process of an auth cluster used to make its own key: half the tokens failed elsewhere."""
    auth = cluster.start("auth", n=3, name="race-auth", store=f"sqlite:///{tmp_path}/tokens.db", users=Users())
    api = cluster.start("resource", n=2, name="race-api", jwks_url=auth.urls[0] + JWKS_PATH)
    published = {requests.get(url + JWKS_PATH, timeout=10).json()["keys"][0]["kid"] for url in auth.urls}
    assert len(published) == 1
    for url in auth.urls:  # a token from every auth process, verified by every resource process
        token = requests.post(url + "/login", json=ALICE, timeout=10).json()["access_token"]
        answers = [requests.get(api_url + "/profile", headers={"Authorization": f"Bearer {token}"}, timeout=10)
                   for api_url in api.urls]
        assert [answer.status_code for answer in answers] == [200, 200], answers[0].text
    cluster.stop_all()


@needs_redis
def test_redis_servers_started_at_once():
    started, errors = [], []

    def start():
        try:
            started.append(start_redis())
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert not errors
        assert len({server.port for server in started}) == 4
        for server in started:
            assert redis_server._answering_pid(server.port) == server.process.pid
    finally:
        for server in started:
            server.stop()


@needs_redis
def test_redis_start_never_hands_out_another_servers_port(monkeypatch):
    """Between choosing a free port and binding it, another redis-server may take it."""
    with start_redis() as other:
        ports = iter([other.port])
        real_free_port = redis_server._free_port
        monkeypatch.setattr(redis_server, "_free_port", lambda: next(ports, None) or real_free_port())
        with start_redis() as ours:
            assert ours.port != other.port
            assert redis_server._answering_pid(ours.port) == ours.process.pid
            with socket.create_connection(("127.0.0.1", ours.port), timeout=2):
                pass
