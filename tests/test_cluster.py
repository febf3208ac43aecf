import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest
import requests
from flask import Flask, request
from notebook_factory import write_notebook

import authlab
from authlab import cluster, launcher, redis_server
from authlab.client import log_in
from authlab.notebooks import execute
from authlab.stores import MemoryStore
from authlab.users import Users


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _launcher_pid() -> int | None:
    running = launcher.current()
    return running.process.pid if running is not None else None


def _workers_of(pid: int) -> list[psutil.Process]:
    """Live worker processes below ``pid`` (the launcher that forks them is not one; a zombie is dead)."""
    workers = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if (child.pid != _launcher_pid() and child.status() != psutil.STATUS_ZOMBIE
                    and "authlab.launcher" in " ".join(child.cmdline())):
                workers.append(child)
        except psutil.NoSuchProcess:  # exited meanwhile (ZombieProcess is one too)
            pass
    return workers


def _workers_left(pid: int, grace: float = 5.0) -> list[psutil.Process]:
    """The workers still alive after ``grace`` seconds: stopped ones take a moment to exit."""
    deadline = time.monotonic() + grace
    while (left := _workers_of(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.fixture(autouse=True)
def _reap_workers():
    """Whatever a test does or fails to do, no worker outlives it."""
    yield
    cluster.stop_all()
    leftovers = _workers_of(os.getpid())
    for process in leftovers:
        process.kill()
    psutil.wait_procs(leftovers, timeout=5)
    assert not leftovers, f"workers left running: {[p.pid for p in leftovers]}"


@pytest.fixture(scope="module")
def users():
    return Users()  # argon2id is slow on purpose: hash once, pickle to every worker


def test_workers_are_separate_processes_answering_in_turn(users):
    sessions = cluster.start("session", n=2, name="test-separate", users=users)
    assert len(set(sessions.pids)) == 2 and os.getpid() not in sessions.pids
    assert {psutil.Process(pid).ppid() for pid in sessions.pids} == {_launcher_pid()}
    assert psutil.Process(_launcher_pid()).ppid() == os.getpid()
    assert all(url.startswith("http://127.0.0.1:") for url in sessions.urls)
    client = sessions.client()
    answered = [cluster.served_by(client.get("/profile")) for _ in range(4)]
    assert answered == sessions.pids * 2
    assert sessions.request_counts() == {"/profile": 4}
    assert "test-separate" in repr(sessions) and "running" in repr(sessions)


def test_in_memory_sessions_do_not_cross_processes(users):
    sessions = cluster.start("session", n=2, name="test-memory", users=users)
    client = sessions.client()
    assert log_in(client, "").status_code == 200  # first process
    elsewhere = client.get("/profile")  # second process: never heard of this session
    assert elsewhere.status_code == 401 and cluster.served_by(elsewhere) == sessions.pids[1]
    assert client.get("/profile").status_code == 200  # back on the first


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_shared_store_carries_sessions_and_logout_to_every_process(backend, tmp_path, request, users):
    url = f"sqlite:///{tmp_path}/sessions.db" if backend == "sqlite" else request.getfixturevalue("redis_url")
    sessions = cluster.start("session", n=2, name=f"test-shared-{backend}", store=url, users=users)
    client = sessions.client()
    assert log_in(client, "").status_code == 200
    assert [client.get("/profile").status_code for _ in range(4)] == [200] * 4
    copied_cookie = {"session_id": client.cookies["session_id"]}
    assert client.post("/logout").status_code == 200
    # logout cleared the client's cookie; a copy kept from before must fail on every process too
    assert [client.get("/profile", cookies=copied_cookie).status_code for _ in range(4)] == [401] * 4


def test_restarting_a_name_replaces_the_old_processes(users):
    first = cluster.start("session", n=1, name="test-restart", users=users)
    second = cluster.start("session", n=1, name="test-restart", users=users)
    assert _gone(first.pids[0]) and not first.running
    assert cluster.running()["test-restart"] is second and second.running


def test_stop_reaps_every_worker_and_can_repeat(users):
    sessions = cluster.start("session", n=2, name="test-stop", users=users)
    sessions.stop()
    assert all(_gone(pid) for pid in sessions.pids)
    assert "test-stop" not in cluster.running()
    sessions.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(sessions.urls[0] + "/profile", timeout=2)


def test_closing_the_launchers_stdin_stops_it_and_its_workers(users):
    sessions = cluster.start("session", n=2, name="test-stdin", users=users)
    process = launcher.current().process
    process.stdin.close()  # what the kernel's death looks like to the launcher, on every platform
    assert process.wait(20) == 0  # generous: it stops its workers first (2 s grace), on a busy machine too
    psutil.wait_procs(sessions.processes, timeout=20)
    assert not sessions.running
    assert cluster.start("session", n=1, name="test-stdin", users=users).running  # a new launcher


def test_workers_exit_when_the_launcher_is_killed(users):
    sessions = cluster.start("session", n=2, name="test-launcher-killed", users=users)
    process = launcher.current().process
    process.kill()  # no chance to clean up: only the workers' own watch
    process.wait()
    psutil.wait_procs(sessions.processes, timeout=5)
    assert all(_gone(pid) for pid in sessions.pids)


def test_workers_exit_when_their_parent_is_killed():
    parent_code = textwrap.dedent("""
        import json, sys, time
        from authlab import cluster, launcher
        workers = cluster.start("resource", n=2, name="orphan-check", jwks_url="http://127.0.0.1:9/")
        print(json.dumps(workers.pids + [launcher.current().process.pid]), flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    try:
        pids = json.loads(parent.stdout.readline())
        workers = [psutil.Process(pid) for pid in pids]
        parent.send_signal(signal.SIGKILL)  # no atexit, no cleanup: only the workers' own watch
        parent.wait(5)
        psutil.wait_procs(workers, timeout=10)
        assert all(_gone(pid) for pid in pids)
    finally:
        parent.kill()
        parent.wait()
        for pid in locals().get("pids", []):
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_an_interrupt_of_the_kernel_leaves_the_workers_running():
    # Jupyter's interrupt button sends SIGINT to the kernel's whole process group.
    parent_code = textwrap.dedent("""
        import json, time
        from authlab import cluster
        workers = cluster.start("resource", n=2, name="interrupt-check", jwks_url="http://127.0.0.1:9/")
        try:
            print(json.dumps(workers.urls), flush=True)  # inside try: the SIGINT may come at once
            time.sleep(60)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        urls = json.loads(parent.stdout.readline())
        os.killpg(parent.pid, signal.SIGINT)
        assert parent.stdout.readline().strip() == "interrupted"
        assert [requests.get(url + "/profile", timeout=5).status_code for url in urls] == [401, 401]
    finally:
        parent.kill()
        parent.wait()


@pytest.mark.parametrize(("app", "options", "message"), [
    ("nosuchmodule:factory", {}, "No module named 'nosuchmodule'"),
    ("session", {"store": "postgres://nowhere"}, "Unknown store URL"),
    ("session", {"colour": "blue"}, "unexpected keyword argument 'colour'"),
])
def test_a_worker_that_cannot_start_says_why_in_one_line(app, options, message):
    with pytest.raises(cluster.ClusterStartError, match=message) as error:
        cluster.start(app, n=2, name="test-broken", **options)
    assert "\n" not in str(error.value) and "Traceback" not in str(error.value)
    assert not _workers_left(os.getpid())


def test_options_that_cannot_reach_a_process_are_refused():
    with pytest.raises(TypeError, match="store URLs"):
        cluster.start("session", store=MemoryStore())
    assert not _workers_left(os.getpid())


def test_unknown_app_and_bad_n_are_refused_before_starting_anything():
    with pytest.raises(ValueError, match="session, auth, resource"):
        cluster.start("sessions")
    with pytest.raises(ValueError, match="at least 1"):
        cluster.start("session", n=0)


def test_round_robin_rotates_servers_and_keeps_cookies_and_headers():
    app = Flask("echo")

    @app.get("/echo")
    def echo():
        response = {"cookie": request.cookies.get("who"), "auth": request.headers.get("Authorization")}
        return response, 200, {"Set-Cookie": "who=alice; Path=/; HttpOnly"}

    one = authlab.serve(app, name="echo-one", show=False)
    two = authlab.serve(app, name="echo-two", show=False)
    client = cluster.RoundRobin([one.url, two.url])
    client.headers["Authorization"] = "Bearer t"
    first, second = client.get("/echo").json(), client.get("/echo").json()
    assert first == {"cookie": None, "auth": "Bearer t"}
    assert second == {"cookie": "alice", "auth": "Bearer t"}  # set by one, sent to two
    assert [len(one.log), len(two.log)] == [1, 1]
    client.get(one.url + "/echo")  # a full URL is not rotated
    assert [len(one.log), len(two.log)] == [2, 1]
    with pytest.raises(ValueError, match="at least one"):
        cluster.RoundRobin([])


def test_time_requests_refuses_to_time_failures():
    app = Flask("teapot")
    app.get("/")(lambda: ("short and stout", 418))
    server = authlab.serve(app, name="teapot", show=False)
    client = cluster.RoundRobin([server.url])
    assert len(cluster.time_requests(client, "/", count=3, expect=418)) == 3
    with pytest.raises(AssertionError, match="answered 418, not 200"):
        cluster.time_requests(client, "/", count=3)


def test_redis_helper_is_replaced_by_name(redis_url):
    first = cluster.redis("test-redis-helper")
    second = cluster.redis("test-redis-helper")
    assert first.process.poll() is not None and second.process.poll() is None
    cluster.stop_all()
    assert second.process.poll() is not None


@pytest.mark.notebook
def test_a_notebook_that_never_stops_its_cluster_leaves_no_orphans(tmp_path):
    cell = "from authlab import cluster\nworkers = cluster.start('resource', n=2, name='nb', jwks_url='http://127.0.0.1:9/')\nworkers.pids"
    result = execute(write_notebook(tmp_path / "cluster.ipynb", [cell]), runs=2)
    assert result.ok, str(result)


def test_authlab_stop_all_stops_threads_clusters_and_redis(users):
    if not redis_server.redis_available():
        pytest.skip("redis-server is not installed")
    sessions = cluster.start("session", n=1, name="test-stop-all", users=users)
    thread = authlab.serve(Flask("test-stop-all-thread"), show=False)
    redis = cluster.redis("test-stop-all-redis")
    authlab.stop_all()
    assert not thread.running and authlab.running() == {}
    assert all(_gone(pid) for pid in sessions.pids) and cluster.running() == {}
    assert redis.process.poll() is not None
