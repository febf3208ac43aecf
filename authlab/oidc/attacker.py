"""The attacker's servers of lesson 09: a collector and a malicious provider for the mix-up attack.

Both record every request they receive in ``.received`` (a list of dicts), so a lesson can
show what leaked to the attacker.
"""

from __future__ import annotations

import threading

from flask import Flask, jsonify, request

__all__ = ["collector_app", "mix_up_provider_app"]


class _Received(list):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def add(self) -> dict:
        entry = {"path": request.path, "args": request.args.to_dict(), "form": request.form.to_dict(),
                 "authorization": request.headers.get("Authorization")}
        with self.lock:
            self.append(entry)
        return entry


def collector_app(name: str = "attacker") -> Flask:
    """Answers every path with 200 and keeps what arrived (query, form, Authorization header)."""
    app = Flask(name)
    app.received = _Received()

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def anything(path):
        app.received.add()
        return "thanks"

    return app


def mix_up_provider_app(honest_issuer: str, name: str = "attacker-provider") -> Flask:
    """A provider whose discovery sends users to the *honest* provider's sign-in page.

    Its authorization endpoint is the honest one (the user sees the real sign-in page and
    the real provider issues the code); its token endpoint is its own, so a client that
    does not check ``iss`` sends it the honest code and the PKCE verifier.
    """
    app = Flask(name)
    app.received = _Received()

    @app.get("/.well-known/openid-configuration")
    def discovery():
        issuer = request.url_root.rstrip("/")
        return jsonify(
            issuer=issuer, authorization_endpoint=honest_issuer + "/authorize", token_endpoint=issuer + "/token",
            jwks_uri=issuer + "/jwks.json", response_types_supported=["code"],
            code_challenge_methods_supported=["S256"],
        )

    @app.post("/token")
    def token():
        app.received.add()
        return jsonify(error="temporarily_unavailable"), 503

    @app.get("/jwks.json")
    def jwks():
        return jsonify(keys=[])

    return app
