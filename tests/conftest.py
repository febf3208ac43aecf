from pathlib import Path

import pytest
from flask import Flask

import authlab
from authlab.redis_server import redis_available, start_redis


@pytest.fixture
def hello_app():
    app = Flask("hello-test")

    @app.get("/")
    def index():
        return {"message": "hello"}

    return app


@pytest.fixture(scope="module")
def redis_url():
    """A real redis-server on a free loopback port, one per test module."""
    if not redis_available():
        pytest.skip("redis-server not installed (apt-get install redis-server; CI installs it)")
    with start_redis() as server:
        yield server.url


@pytest.fixture(autouse=True)
def _no_servers_left():
    yield
    authlab.stop_all()


BROWSER_ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"


def pytest_terminal_summary(terminalreporter):
    # Here, not in tests/browser/: under xdist only the root conftest reaches the controller.
    reports = [report for reports in terminalreporter.stats.values() for report in reports]
    if any(getattr(report, "nodeid", "").startswith("tests/browser/") for report in reports):
        terminalreporter.write_line(f"browser tests: screenshots and logs of failures go to {BROWSER_ARTIFACTS}")
