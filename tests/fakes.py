"""Test doubles shared by several test modules."""

import secrets
from collections.abc import Callable

from flask import Flask, make_response, request


class FakeClock:
    """A clock that stands still until a test moves it: ``clock.now += 60`` or ``clock.sleep(60)``."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds


def lab1_app(make_id: Callable[[], str] = lambda: secrets.token_urlsafe(32), httponly: bool = True):
    """A minimal lab-1 app and its ``register``: login, a session cookie, ``/profile``; IDs from ``make_id()``.

    Passwords are kept in plain text: the tests that use it never run the hashing check.
    """
    passwords, sessions = {}, {}
    app = Flask(f"lab1-test-{secrets.token_hex(2)}")

    @app.post("/login")
    def login():
        data = request.get_json(silent=True) or {}
        if passwords.get(data.get("username")) != data.get("password"):
            return {"error": "wrong username or password"}, 401
        session_id = make_id()
        sessions[session_id] = data["username"]
        response = make_response({"ok": True})
        response.set_cookie("sid", session_id, httponly=httponly, samesite="Lax")
        return response

    @app.get("/profile")
    def profile():
        user = sessions.get(request.cookies.get("sid", ""))
        return ({"message": f"Hello, {user}"}, 200) if user else ({"error": "log in first"}, 401)

    return app, passwords.__setitem__
