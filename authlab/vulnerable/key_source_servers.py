"""A deliberately vulnerable JWT server that lets the token say where its key is. Lesson 06 only.

Like the servers in ``jwt_servers``, it answers the course's routes with
``Authorization: Bearer`` and has one flaw; its docstring says what fixes it.
"""

from __future__ import annotations

import jwt
import requests
from flask import Flask, request

from authlab.signing_keys import SigningKey
from authlab.tokens import AUDIENCE, ISSUER, access_claims
from authlab.users import Users
from authlab.vulnerable.jwt_servers import _token_app
from authlab.webapp import AuthState

JWKS_PATH = "/.well-known/jwks.json"


def jku_app(users: Users | None = None) -> Flask:
    """VULNERABLE: ES256, verified with the key set fetched from the URL in the token's ``jku`` header.

    Its own tokens carry ``jku`` pointing at its own key set, so everything works, until an
    attacker signs with their own key and points ``jku`` at a key set they serve. Pinning
    ``algorithms=["ES256"]`` does not help: the key is the attacker's. The fetch is also a
    request the attacker steers (CWE-918, SSRF). CWE-347; RFC 8725 §3.10 (do not trust
    received claims), OWASP JWT cheat sheet ("Trusting key material named in the token header").
    Fix: fetch keys only from the issuer's configured ``jwks_uri`` and ignore ``jku``, as
    ``authlab.jwks.resource_service`` does (lesson 05).
    """
    key = SigningKey()
    state = AuthState(users=users or Users(), signing_key=key.private_key, verifying_key=key.public_key,
                      algorithm=key.algorithm)

    def issue(user: str) -> str:
        return key.sign(access_claims(user, 900), {"jku": request.host_url.rstrip("/") + JWKS_PATH})

    def verify(token: str) -> dict:
        header = jwt.get_unverified_header(token)
        keys = requests.get(header["jku"], timeout=5).json()  # the flaw: the token chose this URL
        named = next(jwt.PyJWK(k) for k in keys["keys"] if k.get("kid") == header.get("kid"))
        return jwt.decode(token, named, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)

    app = _token_app("VULNERABLE-jwt-jku", state, issue, verify)

    @app.get(JWKS_PATH)
    def jwks():
        return key.jwks()

    return app
