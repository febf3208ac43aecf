"""Timing of `authlab compare`: a known server delay shows in the medians; rounds interleave; errors are one line."""

import socket
import time

import psutil
import pytest
import requests
from flask import Flask

import authlab
from authlab.apps import session_app
from authlab.compare import CompareError, timing
from authlab.compare.servers import Target, WorkerProcess, reference_servers
from authlab.compare.stats import median
from authlab.users import Users

DELAY = 0.020


class Delay:
    """WSGI middleware: the server answers DELAY seconds later than the app would."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        time.sleep(DELAY)
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def users():
    return Users({"alice": "secret123"})


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_injected_20ms_delay_appears_in_the_medians(users):
    plain = authlab.serve(session_app(users=users), name="compare-plain", show=False)
    slow = authlab.serve(Delay(session_app(users=users)), name="compare-delayed", show=False)
    runs, _ = timing.measure_latency([Target("plain", plain.url), Target("delayed", slow.url)],
                                     warmup=2, rounds=12, per_round=2)
    extra = median(runs["delayed"].samples) - median(runs["plain"].samples)
    assert DELAY * 0.9 <= extra <= DELAY * 1.5, f"{extra * 1e3:.1f} ms extra"
    assert runs["delayed"].requests_per_second < 1 / DELAY


def _recording_app(name: str, order: list[str]) -> Flask:
    app = Flask(name)
    app.add_url_rule("/login", "login", lambda: {"ok": True}, methods=["POST"])

    @app.get("/profile")
    def profile():
        order.append(name)
        return {"user": "alice"}

    return app


def _plain_login(client, url):
    return client.post(url + "/login")


def test_rounds_interleave_and_rotate():
    order: list[str] = []
    targets = [Target(name, authlab.serve(_recording_app(name, order), name=f"compare-{name}", show=False).url,
                      login=_plain_login) for name in "ABC"]
    runs, _ = timing.measure_latency(targets, warmup=1, rounds=4, per_round=1)
    assert "".join(order) == "ABC" + "ABC" "BCA" "CAB" "ABC"  # warm-up, then each round starts one later
    assert all(len(run.samples) == 4 and run.busy > 0 for run in runs.values())


def test_concurrent_clients_share_the_login_and_all_count():
    order: list[str] = []
    server = authlab.serve(_recording_app("A", order), name="compare-concurrent", show=False)
    runs, _ = timing.measure_latency([Target("A", server.url, login=_plain_login)],
                                     warmup=0, rounds=3, per_round=4, concurrency=3)
    assert len(runs["A"].samples) == len(order) == 3 * 4 * 3
    assert runs["A"].requests_per_second > 0


def test_the_measuring_loop_costs_microseconds():
    overhead = timing.harness_overhead(count=1000, repeat=3)
    assert 0 < overhead < 50e-6


def test_per_call_finds_the_cost_of_known_work():
    def spin(duration=200e-6):
        end = time.perf_counter() + duration
        while time.perf_counter() < end:
            pass

    assert 200e-6 <= timing.per_call(spin, budget=0.05) < 2e-3


def test_unreachable_server_is_one_clear_error():
    with pytest.raises(CompareError, match=r"^session: nothing answers at http://127.0.0.1:\d+ \(is the server"):
        timing.measure_latency([Target("session", f"http://127.0.0.1:{_closed_port()}")], rounds=2)


def test_refused_login_and_refused_requests_are_one_clear_error():
    refused = Target("x", "http://127.0.0.1:1", login=lambda client, url: _Response(401))
    with pytest.raises(CompareError, match="refused with 401"):
        timing.connect(refused)
    app = Flask("compare-always-401")
    app.add_url_rule("/login", "login", lambda: {"ok": True}, methods=["POST"])
    app.add_url_rule("/profile", "profile", lambda: ({"error": "no"}, 401))
    server = authlab.serve(app, show=False)
    with pytest.raises(CompareError, match="answered 401 instead of 200"):
        timing.measure_latency([Target("y", server.url, login=_plain_login)], warmup=0, rounds=2)


class _Response:
    def __init__(self, status):
        self.status_code = status
        self.ok = status < 400


def test_servers_in_their_own_processes_are_measured_and_reaped():
    before = {child.pid for child in psutil.Process().children()}
    with reference_servers(["session", "jwt-header"], mode="processes") as targets:
        started = {child.pid for child in psutil.Process().children()} - before
        assert len(started) == 2
        runs, _ = timing.measure_latency(targets, warmup=1, rounds=2, per_round=2)
        assert {name: len(run.samples) for name, run in runs.items()} == {"session": 4, "jwt-header": 4}
    assert not started & {child.pid for child in psutil.Process().children()}


def test_a_worker_that_cannot_start_says_why():
    worker = WorkerProcess("session", "redis://127.0.0.1:1/0")
    with pytest.raises(CompareError, match="session server process did not start: .*No Redis server answers"):
        worker.wait_for_url(timeout=30)
    assert worker.process.poll() is not None


def test_requests_session_is_logged_in(users):
    server = authlab.serve(session_app(users=users), name="compare-login", show=False)
    client = timing.connect(Target("session", server.url))
    assert client.get(server.url + "/profile").json() == {"user": "alice"}
    assert isinstance(client, requests.Session)
