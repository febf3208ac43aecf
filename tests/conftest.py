from pathlib import Path

import pytest
from flask import Flask

import authlab


@pytest.fixture
def hello_app():
    app = Flask("hello-test")

    @app.get("/")
    def index():
        return {"message": "hello"}

    return app


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
