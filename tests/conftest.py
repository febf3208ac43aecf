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
