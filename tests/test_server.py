import os
import socket
import subprocess
import sys
import threading
import time

import psutil
import pytest
import requests
from flask import Flask

import authlab
from authlab.server import HOST


def _threads(prefix="authlab-"):
    return [t for t in threading.enumerate() if t.name.startswith(prefix)]


def test_serves_on_loopback_and_stops(hello_app):
    server = authlab.serve(hello_app)
    assert server.url.startswith("http://127.0.0.1:")
    assert requests.get(server.url + "/").json() == {"message": "hello"}
    server.stop()
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/", timeout=2)


def test_binds_loopback_only(hello_app):
    server = authlab.serve(hello_app)
    assert server._wsgi.socket.getsockname()[0] == HOST


def test_same_name_replaces_previous_server(hello_app):
    first = authlab.serve(hello_app)
    second = authlab.serve(hello_app)
    assert not first.running and second.running
    assert list(authlab.running()) == ["hello-test"]


def test_restart_on_same_port_after_replacement(hello_app):
    first = authlab.serve(hello_app, name="fixed")
    second = authlab.serve(hello_app, name="fixed", port=first.port)
    assert second.port == first.port
    assert requests.get(second.url + "/").status_code == 200


def _ephemeral_range() -> range:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as ephemeral:
            first, last = map(int, ephemeral.read().split())
    except OSError:
        first, last = 49152, 65535
    return range(first, last + 1)


def test_kernels_take_their_ports_from_the_ephemeral_range(tmp_path):
    """The premise of the next test: Jupyter picks a kernel's five TCP ports by binding port 0."""
    from jupyter_client.connect import write_connection_file

    _, info = write_connection_file(str(tmp_path / "kernel.json"), ip=HOST, transport="tcp")
    ports = [info[f"{channel}_port"] for channel in ("shell", "iopub", "stdin", "control", "hb")]
    assert all(port in _ephemeral_range() for port in ports), ports


def test_servers_never_take_a_port_a_starting_kernel_may_have_been_given(hello_app):
    """A server in the ephemeral range could hold a port a kernel's client dials, and log ZeroMQ greetings as
    "code 400, Bad request syntax ('\\xff\\x00...')" (issue 17): free ports come from outside that range."""
    ephemeral = _ephemeral_range()
    servers = [authlab.serve(hello_app, name=f"port-{i}") for i in range(40)]
    assert not [server.port for server in servers if server.port in ephemeral]
    assert all(requests.get(server.url + "/", timeout=5).ok for server in servers[:3])


def test_port_in_use_names_the_port_and_never_exits(hello_app):
    holder = socket.socket()
    holder.bind((HOST, 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        with pytest.raises(authlab.PortInUseError) as caught:
            authlab.serve(hello_app, port=port)
        assert str(port) in str(caught.value)
        assert "already in use" in str(caught.value)
    finally:
        holder.close()
    assert "hello-test" not in authlab.running()


def test_open_keep_alive_connection_does_not_delay_stop_or_leak(hello_app):
    server = authlab.serve(hello_app)
    session = requests.Session()
    assert session.get(server.url + "/").status_code == 200  # connection stays open
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 0.1
    assert _threads() == []
    session.close()


def test_many_cycles_leave_no_threads_or_ports(hello_app):
    before = threading.active_count()
    ports = []
    for _ in range(200):
        with authlab.serve(hello_app, name="cycle") as server:
            requests.get(server.url + "/")
            ports.append(server.port)
    assert threading.active_count() == before
    listening = {c.laddr.port for c in psutil.Process().net_connections("tcp") if c.status == psutil.CONN_LISTEN}
    assert not listening & set(ports)  # (binding them again would race with other processes on the machine)


def test_log_records_requests_and_cookies():
    app = Flask("cookies")

    @app.post("/login")
    def login():
        response = app.make_response({"ok": True})
        response.set_cookie("sid", "abc", httponly=True)
        return response

    server = authlab.serve(app)
    requests.post(server.url + "/login?next=/", json={"u": "alice"})
    exchange = server.log[-1]
    assert (exchange.method, exchange.path, exchange.status) == ("POST", "/login?next=/", 200)
    assert exchange.cookies_set == ["sid"]
    assert exchange.request_headers["Content-Type"] == "application/json"
    assert "set-cookie: sid" in str(exchange)
    server.clear_log()
    assert len(server.log) == 0


def test_log_true_prints_each_request(hello_app, capsys):
    server = authlab.serve(hello_app, log=True)
    requests.get(server.url + "/")
    server.stop()
    assert "[hello-test] GET / -> 200" in capsys.readouterr().out


def test_errors_give_500_never_the_debugger():
    app = Flask("broken")

    @app.get("/")
    def broken():
        raise RuntimeError("boom")

    server = authlab.serve(app)
    response = requests.get(server.url + "/")
    assert response.status_code == 500
    assert "Traceback" not in response.text and "Werkzeug Debugger" not in response.text


def test_stuck_view_does_not_hang_stop(capsys):
    app = Flask("stuck")
    entered, release = threading.Event(), threading.Event()

    @app.get("/")
    def stuck():
        entered.set()
        release.wait(10)
        return "late"

    server = authlab.serve(app)

    def call():
        with pytest.raises(requests.ConnectionError):  # the stop aborts it
            requests.get(server.url + "/", timeout=5)

    client = threading.Thread(target=call)
    client.start()
    assert entered.wait(10)  # the request is inside the view
    started = time.perf_counter()
    server.stop(timeout=0.2)
    assert time.perf_counter() - started < 1
    assert "still running" in capsys.readouterr().out
    release.set()
    client.join()


def test_proxy_link_under_jupyterhub(hello_app, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    server = authlab.serve(hello_app)
    assert server.proxy_url == f"/user/alice/proxy/{server.port}/"
    assert server.proxy_url in server._repr_html_()
    assert server.proxy_url in repr(server)


def test_no_proxy_link_outside_jupyter(hello_app, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    server = authlab.serve(hello_app)
    assert server.proxy_url is None
    assert server.url in server._repr_html_()


def test_stop_all_stops_everything(hello_app):
    servers = [authlab.serve(hello_app, name=f"s{i}") for i in range(3)]
    authlab.stop_all()
    assert authlab.running() == {}
    assert not any(s.running for s in servers)


def test_servers_stop_when_the_process_exits(tmp_path):
    script = tmp_path / "exit.py"
    script.write_text(
        "import authlab, flask, sys\n"
        "app = flask.Flask('x')\n"
        "server = authlab.serve(app)\n"
        "print(server.port, flush=True)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "PYTHONPATH": os.getcwd()})
    # a server thread left running (or a hanging stop) would keep the interpreter from exiting cleanly
    assert done.returncode == 0 and done.stdout.split()[0].isdigit(), done.stderr


def test_proxy_link_under_the_jupyter_server_that_launched_the_kernel(hello_app, monkeypatch, tmp_path):
    import json

    import authlab.server

    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("JPY_PARENT_PID", "4242")
    monkeypatch.setattr(authlab.server, "_in_kernel", lambda: True)
    (tmp_path / "jpserver-1.json").write_text(json.dumps({"pid": 1, "base_url": "/other/"}))
    (tmp_path / "jpserver-4242.json").write_text(json.dumps({"pid": 4242, "base_url": "/lab-base/"}))
    server = authlab.serve(hello_app, show=False)
    assert server.proxy_url == f"/lab-base/proxy/{server.port}/"
