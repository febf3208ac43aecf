"""The OpenID Provider the lab 5 checks run on their side: it records what the relying party sends and misbehaves on
demand.

Discovery names every endpoint under a random path (``/op-1a2b3c/authorize`` ...), so a client that hard-codes
``/authorize`` fails. Authorize approves the provider's one user at once and redirects to the registered
``redirect_uri`` with ``code``, ``state`` and ``iss`` (RFC 9207). The token endpoint records the client
authentication, the redirect URI and the PKCE verifier, and answers with an ID token signed by the current key, or
by ``forge`` when a check wants a bad one. It is lenient on purpose: it issues tokens for a wrong verifier or secret,
and with ``reusable_codes`` for a code used before, so that the checks, not the provider, judge what the client did.

The provider signs with PyJWT and ``cryptography`` directly, not with the course's own ``authlab.oidc`` code: the
checker stays independent of the package the labs use.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask, jsonify, redirect, request

from authlab.checks._core import serving
from authlab.checks._jwt import b64url

ASYMMETRIC = ("ES256", "RS256")
ID_TOKEN_LIFETIME = 300


class SigningKey:
    """A private key, its ``kid`` and its public half as a JWK."""

    def __init__(self, algorithm: str = "ES256", kid: str | None = None):
        self.algorithm, self.kid = algorithm, kid or secrets.token_urlsafe(9)
        if algorithm == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            public = jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        self.jwk = {**public, "kid": self.kid, "alg": algorithm, "use": "sig"}

    def sign(self, claims: dict, header: dict | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid, **(header or {})})


@dataclasses.dataclass
class Authorization:
    """One request to the authorization endpoint: its parameters (first values), all its pairs, the code issued."""

    params: dict[str, str]
    pairs: list[tuple[str, str]]
    code: str
    uses: int = 0


@dataclasses.dataclass
class TokenRequest:
    """One request to the token endpoint, and what the provider made of it."""

    form: dict[str, list[str]]
    basic: tuple[str, str] | None  # client_id, secret of an Authorization: Basic header
    authorization: Authorization | None  # the authorize request whose code it carried
    tokens: dict | None = None  # what was answered

    def value(self, name: str) -> str | None:
        values = self.form.get(name) or []
        return values[0] if len(values) == 1 else None

    def client_authentication(self, client_id: str, secret: str) -> str | None:
        """``client_secret_basic`` or ``client_secret_post`` when that method carried the right secret, else None."""
        if self.basic and self.basic[0] == client_id and hmac.compare_digest(self.basic[1], secret):
            return "client_secret_basic"
        sent = self.value("client_secret")
        if self.value("client_id") == client_id and sent and hmac.compare_digest(sent, secret):
            return "client_secret_post"
        return None

    def verifier_matches(self) -> bool:
        """The code_verifier hashes to the code_challenge of the authorize request (RFC 7636 §4.6)."""
        verifier, auth = self.value("code_verifier"), self.authorization
        if not verifier or auth is None or not auth.params.get("code_challenge"):
            return False
        if auth.params.get("code_challenge_method", "plain") == "S256":
            digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
            return hmac.compare_digest(b64url(digest), auth.params["code_challenge"])
        return hmac.compare_digest(verifier, auth.params["code_challenge"])


Forge = Callable[[dict, "TestProvider"], str]


class TestProvider:
    """A configurable OpenID Provider for one client and one user; see the module's docstring."""

    __test__ = False  # not a pytest test class

    def __init__(self, client_id: str, client_secret: str, *, algorithm: str = "ES256"):
        self.client_id, self.client_secret = client_id, client_secret
        self.prefix = f"/op-{secrets.token_hex(3)}"
        self.keys = [SigningKey(algorithm)]  # the first signs; all are published
        self.user = {"sub": f"lab5-user-{secrets.token_hex(4)}", "name": "Ada Lovelace",
                     "email": f"ada-{secrets.token_hex(2)}@example.org"}
        self.issuer = ""  # set by running()
        self.redirect_uris: set[str] = set()
        self.authorizations: list[Authorization] = []
        self.token_requests: list[TokenRequest] = []
        self.issued: list[str] = []  # every token string handed out
        self.reusable_codes = False
        self.forge: Forge | None = None  # replaces the next ID tokens
        self.response_iss: str | None = None  # the iss parameter of the authorization response, if not the issuer
        self.app = self._flask()

    # --- what checks use --------------------------------------------------------------------

    @contextlib.contextmanager
    def running(self) -> Iterator[TestProvider]:
        """Serve the provider (reachable from the learner's kernel too) for the duration of a check."""
        with serving(self.app, "lab5-provider") as site:
            self.issuer = site.url
            yield self

    def endpoint(self, name: str) -> str:
        return f"{self.issuer}{self.prefix}/{name}"

    def metadata(self) -> dict:
        """OpenID Connect Discovery 1.0 §3: the code flow, S256 PKCE, asymmetric ID token algorithms."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.endpoint("authorize"),
            "token_endpoint": self.endpoint("token"),
            "userinfo_endpoint": self.endpoint("userinfo"),
            "jwks_uri": self.endpoint("keys"),
            "end_session_endpoint": self.endpoint("end-session"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": sorted({key.algorithm for key in self.keys}),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email"],
            "authorization_response_iss_parameter_supported": True,
        }

    def claims_for(self, authorization: Authorization | None) -> dict:
        """The claims of a correct ID token for that login (OIDC Core §2): its nonce, this client, now."""
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": self.user["sub"], "aud": self.client_id, "iat": now,
                  "exp": now + ID_TOKEN_LIFETIME, "auth_time": now, "name": self.user["name"],
                  "email": self.user["email"]}
        nonce = authorization.params.get("nonce") if authorization else None
        return {**claims, "nonce": nonce} if nonce else claims

    def sign(self, claims: dict, header: dict | None = None) -> str:
        """``claims`` signed by the current key, its kid in the header."""
        return self.keys[0].sign(claims, header)

    def rotate(self, algorithm: str | None = None) -> SigningKey:
        """A new signing key replaces the old one, in the JWKS too (a new kid)."""
        self.keys = [SigningKey(algorithm or self.keys[0].algorithm)]
        return self.keys[0]

    # --- the endpoints ---------------------------------------------------------------------

    def _flask(self) -> Flask:
        app = Flask("lab5-provider")
        base = self.prefix

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(self.metadata())

        @app.get(f"{base}/keys")
        def keys():
            return jsonify(keys=[key.jwk for key in self.keys])

        @app.get(f"{base}/authorize")
        def authorize():
            return self._authorize()

        @app.post(f"{base}/token")
        def token():
            return self._token()

        @app.route(f"{base}/userinfo", methods=["GET", "POST"])
        def userinfo():
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme != "Bearer" or token not in self.issued:
                return jsonify(error="invalid_token"), 401
            return jsonify(self.user)

        @app.route(f"{base}/end-session", methods=["GET", "POST"])
        def end_session():
            return jsonify(signed_out=True)

        return app

    def _authorize(self):
        params = request.args.to_dict(flat=True)
        if params.get("client_id") != self.client_id:
            return jsonify(error="invalid_client",
                           error_description=f"unknown client_id {params.get('client_id')!r}"), 400
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:  # OAuth 2.1 §4.1.1: exact string match, never redirect elsewhere
            return jsonify(error="invalid_request",
                           error_description=f"redirect_uri {redirect_uri!r} is not registered "
                                             f"(registered: {sorted(self.redirect_uris)})"), 400
        authorization = Authorization(params, list(request.args.items(multi=True)), secrets.token_urlsafe(24))
        self.authorizations.append(authorization)
        if params.get("response_type") != "code":
            return self._back(redirect_uri, params, error="unsupported_response_type")
        return self._back(redirect_uri, params, code=authorization.code)

    def _back(self, redirect_uri: str, params: dict, **answer):
        state = {"state": params["state"]} if "state" in params else {}
        query = urlencode({**answer, **state, "iss": self.response_iss or self.issuer})
        return redirect(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}")

    def _token(self):
        record = TokenRequest(request.form.to_dict(flat=False), _basic(request.headers.get("Authorization", "")),
                              None)
        self.token_requests.append(record)
        code = record.value("code")
        record.authorization = next((auth for auth in self.authorizations if auth.code == code), None)
        auth = record.authorization
        if record.value("grant_type") != "authorization_code" or auth is None:
            return jsonify(error="invalid_grant", error_description="unknown code"), 400
        if auth.uses and not self.reusable_codes:
            return jsonify(error="invalid_grant", error_description="code already used"), 400
        auth.uses += 1
        claims = self.claims_for(auth)
        id_token = self.forge(claims, self) if self.forge else self.sign(claims)
        tokens = {"access_token": secrets.token_urlsafe(32), "token_type": "Bearer", "expires_in": 600,
                  "refresh_token": secrets.token_urlsafe(32), "id_token": id_token, "scope": "openid profile email"}
        self.issued += [tokens["access_token"], tokens["refresh_token"], id_token]
        record.tokens = tokens
        return jsonify(tokens)


def _basic(header: str) -> tuple[str, str] | None:
    """client_id and secret of ``Authorization: Basic`` (RFC 6749 §2.3.1: each form-urlencoded first)."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (unquote(user.replace("+", " ")), unquote(password.replace("+", " "))) if sep else None
