"""What every deliberately vulnerable app shares: the label, JSON errors, the course's routes."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from authlab.apps import AuthState

PREFIX = "VULNERABLE-"
WARNING_HEADER = "X-Authlab-Warning"


def vulnerable_app(name: str, state: AuthState) -> Flask:
    """A Flask app named ``VULNERABLE-…`` that says so in every response."""
    if not name.startswith(PREFIX):
        raise ValueError(f"vulnerable apps are named {PREFIX}…, not {name!r}")
    app = Flask(name)
    app.extensions["authlab"] = state

    @app.after_request
    def label(response):
        response.headers[WARNING_HEADER] = "deliberately vulnerable demo server (authlab lesson 06): loopback only"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        return jsonify(error=f"internal error: {type(error).__name__}"), 500

    return app


def json_body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def unauthorized(message: str):
    return jsonify(error=message), 401


def settings_response(state: AuthState, user: str | None, body: dict):
    """POST /settings, shared: store the email for the logged-in user."""
    if user is None:
        return unauthorized("Not logged in")
    if not isinstance(body.get("email"), str):
        return jsonify(error='send JSON: {"email": "..."}'), 400
    state.settings[user] = {"email": body["email"]}
    return jsonify(user=user, email=body["email"])
