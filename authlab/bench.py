"""Benchmark the in-kernel server runner against a bare Werkzeug thread.

Each cycle starts a server, waits for its first response on a fresh connection,
then stops it while that keep-alive connection is still open (as a learner's
``requests.Session`` would leave it). Afterwards it counts threads and listening
sockets left behind. The HTTPS row does the same over TLS (``serve(app, https=True)``).
"""

from __future__ import annotations

import argparse
import http.client
import ssl
import statistics
import threading
import time

import psutil
from werkzeug.serving import make_server

from authlab import tls
from authlab.server import _QuietHandler, serve


def hello_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


def _first_response(port: int, https: bool = False) -> http.client.HTTPConnection:
    if https:
        context = ssl.create_default_context(cafile=tls.ca_bundle())
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/")
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b"hello"
    return connection


def _cycle_authlab(https: bool = False) -> tuple[float, float]:
    started = time.perf_counter()
    server = serve(hello_app, name="bench", show=False, https=https)
    connection = _first_response(server.port, https)
    ready = time.perf_counter()
    server.stop()
    stopped = time.perf_counter()
    connection.close()
    return ready - started, stopped - ready


def _cycle_authlab_https() -> tuple[float, float]:
    return _cycle_authlab(https=True)


def _cycle_werkzeug() -> tuple[float, float]:
    started = time.perf_counter()
    server = make_server("127.0.0.1", 0, hello_app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    connection = _first_response(server.port)
    ready = time.perf_counter()
    server.shutdown()
    thread.join()
    stopped = time.perf_counter()
    connection.close()
    return ready - started, stopped - ready


def _listening_ports() -> set[int]:
    return {
        c.laddr.port for c in psutil.Process().net_connections("tcp")
        if c.status == psutil.CONN_LISTEN
    }


def measure(cycle, count: int) -> dict:
    threads_before = threading.active_count()
    ports_before = _listening_ports()
    starts, stops = [], []
    for _ in range(count):
        start, stop = cycle()
        starts.append(start)
        stops.append(stop)
    time.sleep(0.05)  # let daemon handler threads of the baseline finish
    return {
        "cycles": count,
        "start_ms": statistics.median(starts) * 1000,
        "stop_ms": statistics.median(stops) * 1000,
        "stop_max_ms": max(stops) * 1000,
        "threads_left": threading.active_count() - threads_before,
        "ports_left": len(_listening_ports() - ports_before),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="authlab bench", description=__doc__)
    parser.add_argument("--cycles", type=int, default=200, help="authlab cycles (default 200)")
    parser.add_argument("--baseline-cycles", type=int, default=20,
                        help="bare Werkzeug cycles (default 20: each stop waits up to 0.5 s)")
    options = parser.parse_args(argv)
    rows = [
        ("authlab.serve", measure(_cycle_authlab, options.cycles)),
        ("authlab.serve https=True", measure(_cycle_authlab_https, options.cycles)),
        ("werkzeug make_server + serve_forever", measure(_cycle_werkzeug, options.baseline_cycles)),
    ]
    print(f"{'runner':38} {'cycles':>6} {'start→1st response':>19} {'stop (median)':>14} "
          f"{'stop (max)':>11} {'threads left':>12} {'ports left':>10}")
    for name, row in rows:
        print(f"{name:38} {row['cycles']:6d} {row['start_ms']:16.2f} ms {row['stop_ms']:11.2f} ms "
              f"{row['stop_max_ms']:8.1f} ms {row['threads_left']:12d} {row['ports_left']:10d}")
    ours, secure, bare = rows[0][1], rows[1][1], rows[2][1]
    print(f"stop is {bare['stop_ms'] / ours['stop_ms']:.0f}x faster than the bare baseline; "
          f"start {bare['start_ms'] / ours['start_ms']:.1f}x the baseline's speed")
    clean = all(row["threads_left"] == 0 and row["ports_left"] == 0 for row in (ours, secure))
    fast = ours["start_ms"] < 10 and ours["stop_ms"] < 10 and secure["stop_ms"] < 10
    print("targets (median start < 10 ms, stop < 10 ms with and without TLS, nothing left): "
          + ("met" if clean and fast else "NOT met"))
    return 0 if clean and fast else 1
