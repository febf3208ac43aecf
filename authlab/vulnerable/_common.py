"""What every deliberately vulnerable app shares: the label, JSON errors, the course's routes."""

from __future__ import annotations

from flask import Flask, request

from authlab.webapp import AuthState, json_app

PREFIX = "VULNERABLE-"
WARNING_HEADER = "X-Authlab-Warning"


def vulnerable_app(name: str, state: AuthState) -> Flask:
    """A Flask app named ``VULNERABLE-…`` that says so in every response."""
    if not name.startswith(PREFIX):
        raise ValueError(f"vulnerable apps are named {PREFIX}…, not {name!r}")
    app = json_app(name, state)

    @app.after_request
    def label(response):
        response.headers[WARNING_HEADER] = "deliberately vulnerable demo server (authlab lesson 06): loopback only"
        return response

    return app


def json_body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}
