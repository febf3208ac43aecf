"""A deliberately vulnerable JWT server that lets the token say where its key is. Lesson 06 only.

Like the servers in ``jwt_servers``, it answers the course's routes with
``Authorization: Bearer`` and has one flaw; its docstring says what fixes it.
"""

from __future__ import annotations

import secrets
import time

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, request

from authlab.apps import AUDIENCE, ISSUER, AuthState, Users
from authlab.attacks.key_sources import key_set
from authlab.vulnerable.jwt_servers import _token_app

JWKS_PATH = "/.well-known/jwks.json"
KID = "server-key"


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
    private_key = ec.generate_private_key(ec.SECP256R1())
    state = AuthState(users=users or Users(), signing_key=private_key, verifying_key=private_key.public_key(),
                      algorithm="ES256")

    def issue(user: str) -> str:
        now = int(time.time())
        claims = {"sub": user, "iat": now, "exp": now + 900, "iss": ISSUER, "aud": AUDIENCE,
                  "jti": secrets.token_urlsafe(16)}
        return jwt.encode(claims, private_key, algorithm="ES256",
                          headers={"jku": request.host_url.rstrip("/") + JWKS_PATH, "kid": KID})

    def verify(token: str) -> dict:
        header = jwt.get_unverified_header(token)
        keys = requests.get(header["jku"], timeout=5).json()  # the flaw: the token chose this URL
        key = next(jwt.PyJWK(k).key for k in keys["keys"] if k.get("kid") == header.get("kid"))
        return jwt.decode(token, key, algorithms=["ES256"], audience=AUDIENCE, issuer=ISSUER)

    app = _token_app("VULNERABLE-jwt-jku", state, issue, verify)

    @app.get(JWKS_PATH)
    def jwks():
        return key_set(private_key, KID)

    return app
