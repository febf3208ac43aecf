"""What every course server shares: JSON errors, the login body, the settings route, the state lessons read.

    app = json_app("my-app", AuthState(users=Users()))   # errors are JSON {"error": ...}, never HTML
    state_of(app).store, state_of(app).tokens            # what a reference app keeps
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from authlab.stores import SessionStore
from authlab.tokens import TokenService
from authlab.users import Users

__all__ = ["AuthState", "credentials", "json_app", "settings_response", "settings_route", "state_of",
           "unauthorized"]

STATE_KEY = "authlab"


@dataclasses.dataclass
class AuthState:
    """What a course app keeps: its users, stores and keys, and for the JWT apps its ``tokens`` service."""

    users: Users
    store: SessionStore | None = None
    denylist: SessionStore | None = None
    signing_key: Any = None
    verifying_key: Any = None
    algorithm: str | None = None
    settings: dict[str, dict] = dataclasses.field(default_factory=dict)
    tokens: TokenService | None = None


def state_of(app: Flask) -> AuthState:
    """The AuthState of a course app (its store, keys, users and token service)."""
    return app.extensions[STATE_KEY]


def json_app(name: str, state: AuthState | None = None) -> Flask:
    """A Flask app whose every error is JSON ``{"error": ...}``, never an HTML page or a traceback."""
    app = Flask(name)
    if state is not None:
        app.extensions[STATE_KEY] = state

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        return jsonify(error="internal error"), 500

    return app


def credentials() -> tuple[Any, Any]:
    """``username`` and ``password`` of a JSON request body; (None, None) when there is none."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, None
    return body.get("username"), body.get("password")


def unauthorized(message: str):
    return jsonify(error=message), 401


def settings_response(state: AuthState, user: str | None, body: Any):
    """POST /settings: store the email for the logged-in ``user`` (401 without one, 400 without an email)."""
    if user is None:
        return unauthorized("Not logged in")
    if not isinstance(body, dict) or not isinstance(body.get("email"), str):
        return jsonify(error='send JSON: {"email": "..."}'), 400
    state.settings[user] = {"email": body["email"]}
    return jsonify(user=user, email=body["email"])


def settings_route(app: Flask, who: Callable[[], str | None], state: AuthState) -> None:
    """Add POST /settings to ``app``; ``who()`` names the logged-in user, or None."""

    @app.post("/settings")
    def settings():
        return settings_response(state, who(), request.get_json(silent=True))
