"""An OpenID Provider for the course, built on Authlib's Flask authorization server.

    op = authlab.serve(oidc.provider_app())                  # alice / secret123, client "demo-app"
    requests.get(op.url + "/.well-known/openid-configuration").json()

The rules are OAuth 2.1's (draft-ietf-oauth-v2-1): the authorization code grant with PKCE
S256 and nothing else, redirect URIs compared exactly, codes used once, refresh tokens
rotated with reuse detection. ID tokens follow OpenID Connect Core 1.0 and are signed ES256
(or RS256, per client); access tokens are JWTs of RFC 9068 (``typ: at+jwt``) whose audience
is the userinfo endpoint, not the client. The authorization response carries ``iss``
(RFC 9207). Signing in is a plain HTML form; first-party clients skip the consent page.
"""

from __future__ import annotations

import secrets
import time

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import UserInfoEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import Flask, g, jsonify, request
from joserfc.jwk import KeySet
from werkzeug.exceptions import HTTPException

from authlab.oidc import pages
from authlab.oidc.grants import AuthorizationCodeGrant, OpenIDCodeExtension, RefreshTokenGrant, S256Only
from authlab.oidc.keys import DEFAULT_ALGORITHM, ID_TOKEN_ALGORITHMS, SigningKeys
from authlab.oidc.models import DEFAULT_SCOPE, Client, Token, User, Users, demo_users
from authlab.oidc.store import Store

DEMO_CLIENT = Client(
    "demo-app",
    redirect_uris=["http://127.0.0.1:8000/callback"],
    client_secret="demo-app-secret",
    post_logout_redirect_uris=["http://127.0.0.1:8000/"],
    name="Demo app (first party)",
)
SESSION_COOKIE = "op_session"
ACCESS_TOKEN_LIFETIME = 600
PATHS = {
    "authorization_endpoint": "/authorize",
    "token_endpoint": "/token",
    "userinfo_endpoint": "/userinfo",
    "jwks_uri": "/jwks.json",
    "end_session_endpoint": "/logout",
}

__all__ = ["DEMO_CLIENT", "OpenIDProvider", "provider_app"]


class OpenIDProvider(Flask):
    """The provider's Flask app; ``register(client)`` adds a relying party while it runs."""

    store: Store
    keys: SigningKeys
    users: Users

    def register(self, client: Client) -> None:
        """Add (or replace, by client_id) a registered client."""
        self.store.add_client(client)

    def client(self, client_id: str) -> Client | None:
        return self.store.client(client_id)


class _Server(AuthorizationServer):
    """Authlib's Flask server, with the provider's store, keys and issuer."""

    def __init__(self, app: OpenIDProvider, issuer: str | None):
        self.store, self.keys, self._issuer = app.store, app.keys, issuer
        super().__init__(app, query_client=self.store.client, save_token=self._save_token)

    def issuer(self) -> str:
        """The configured issuer, else this request's origin (the provider's own URL)."""
        return self._issuer or request.url_root.rstrip("/")

    def auth_time_of(self, user: User) -> int:
        return g.get("auth_time") or int(time.time())

    def _save_token(self, token: dict, oauth_request) -> None:
        code = oauth_request.authorization_code
        refreshed = getattr(oauth_request, "refresh_token", None)
        family = code.family if code is not None else refreshed.family
        self.store.add_token(
            Token(
                client=oauth_request.client,
                user=oauth_request.user,
                scope=token.get("scope", ""),
                access_token=token["access_token"],
                expires_in=token["expires_in"],
                family=family,
                refresh_token=token.get("refresh_token"),
            )
        )


class _AccessTokens(JWTBearerTokenGenerator):
    """RFC 9068 JWT access tokens: ``typ: at+jwt``, ``aud`` the resource (userinfo), not the client."""

    def __init__(self, server: _Server):
        super().__init__(issuer=None, alg=DEFAULT_ALGORITHM, refresh_token_generator=_opaque_refresh_token,
                         expires_generator=ACCESS_TOKEN_LIFETIME)
        self.server = server

    def access_token_generator(self, client, grant_type, user, scope):
        self.issuer = self.server.issuer()
        return super().access_token_generator(client, grant_type, user, scope)

    def get_jwks(self):
        return KeySet([self.server.keys.private(self.alg)])  # a set, so the header names its kid

    def get_audiences(self, client, user, scope) -> str:
        return self.server.issuer() + PATHS["userinfo_endpoint"]


def _opaque_refresh_token(**_) -> str:
    return secrets.token_urlsafe(48)


class _Bearer(BearerTokenValidator):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    def authenticate_token(self, token_string: str) -> Token | None:
        return self.store.access_token(token_string)


class _UserInfo(UserInfoEndpoint):
    def generate_user_info(self, user: User, scope: str) -> dict:
        return user.claims(scope)

    def get_issuer(self) -> str:
        return self.server.issuer()

    def resolve_private_key(self):
        return self.server.keys.private(DEFAULT_ALGORITHM)


class _EndSession(EndSessionEndpoint):
    def get_server_jwks(self):
        return self.server.keys.key_set()

    def get_algorithms(self) -> list[str]:
        return list(ID_TOKEN_ALGORITHMS)

    def end_session(self, end_session_request) -> None:
        """End this browser's sign-in session (other browsers of the user stay signed in)."""
        self.server.store.end_session(request.cookies.get(SESSION_COOKIE))


class _Issuer(IssuerParameter):
    def __init__(self, server: _Server):
        self.server = server

    def get_issuer(self) -> str:
        return self.server.issuer()


def provider_app(
    *,
    clients: list[Client] | None = None,
    users: Users | dict[str, str] | None = None,
    issuer: str | None = None,
    name: str = "openid-provider",
    pkce: CodeChallenge | None = None,
) -> OpenIDProvider:
    """An OpenID Provider: discovery, JWKS, authorize, token, userinfo and RP-initiated logout.

    ``clients`` defaults to ``[DEMO_CLIENT]`` (confidential, first party, redirect URI
    ``http://127.0.0.1:8000/callback``); ``users`` is a ``Users`` or maps usernames to
    passwords (default alice / secret123 and bob, hashed once per process). ``issuer``
    defaults to the URL the provider is reached at. ``pkce`` replaces the S256-only rule
    (the vulnerable providers of lesson 09 use it).
    """
    app = OpenIDProvider(name)
    app.store = Store([DEMO_CLIENT] if clients is None else clients)
    app.keys = SigningKeys()
    app.users = users if isinstance(users, Users) else demo_users() if users is None else Users(users)
    server = _Server(app, issuer)
    server.register_token_generator("default", _AccessTokens(server))
    pkce = pkce or S256Only(required=True)
    server.register_grant(AuthorizationCodeGrant, [pkce, OpenIDCodeExtension(server)])
    server.register_grant(RefreshTokenGrant)
    protector = ResourceProtector()
    protector.register_token_validator(_Bearer(app.store))
    server.register_endpoint(_UserInfo(resource_protector=protector))
    server.register_endpoint(_EndSession())
    iss_parameter = _Issuer(server)
    server.register_extension(iss_parameter)

    def signed_in() -> tuple[User, int] | None:
        return app.store.session(request.cookies.get(SESSION_COOKIE))

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify(discovery_document(server.issuer(), pkce.SUPPORTED_CODE_CHALLENGE_METHOD))

    @app.get(PATHS["jwks_uri"])
    def jwks():
        return jsonify(app.keys.jwks())

    @app.route(PATHS["authorization_endpoint"], methods=["GET", "POST"])
    def authorize():
        session = signed_in()
        new_session = None
        if request.method == "POST" and "username" in request.form:
            user = app.users.authenticate(request.form.get("username"), request.form.get("password"))
            if user is None:
                return _login_form(server, "Wrong username or password.", 401)
            new_session = app.store.new_session(user)
            session = app.store.session(new_session)
        user, auth_time = session if session else (None, None)
        try:
            grant = server.get_consent_grant(end_user=user)
        except OAuth2Error as error:  # RFC 9207 §2: an error sent back to the client names the issuer too
            response = server.handle_error_response(None, error)
            iss_parameter.add_issuer_parameter(server, response)
            return response
        client: Client = grant.client
        if user is None or (grant.prompt == "login" and new_session is None):
            return _login_form(server)
        if not client.first_party and request.form.get("consent") not in ("allow", "deny"):
            response = pages.consent_page(client.name or client.client_id, user.username, grant.request.payload.scope)
        else:
            granted = client.first_party or request.form.get("consent") == "allow"
            g.auth_time = auth_time
            response = server.create_authorization_response(grant=grant, grant_user=user if granted else None)
        if new_session:
            response.set_cookie(SESSION_COOKIE, new_session, httponly=True, samesite="Lax", path="/")
        return response

    @app.post(PATHS["token_endpoint"])
    def token():
        return server.create_token_response()

    @app.route(PATHS["userinfo_endpoint"], methods=["GET", "POST"])
    def userinfo():
        return server.create_endpoint_response("userinfo")

    @app.route(PATHS["end_session_endpoint"], methods=["GET", "POST"])
    def logout():
        try:
            end_session = server.validate_endpoint_request("end_session")
        except OAuth2Error as error:
            return server.handle_error_response(None, error)
        if end_session.needs_confirmation and request.form.get("confirm") != "yes":
            return pages.logout_confirm_page()
        response = server.create_endpoint_response("end_session", end_session) or pages.signed_out_page()
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="Lax")
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return jsonify(error="invalid_request", error_description=error.description), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        return jsonify(error="server_error", error_description="internal error"), 500

    return app


def _login_form(server: _Server, error: str = "", status: int = 200):
    client = server.store.client(request.values.get("client_id"))
    return pages.login_page(client.name or client.client_id, error, status) if client else pages.login_page("?")


def discovery_document(issuer: str, pkce_methods: list[str] = S256Only.SUPPORTED_CODE_CHALLENGE_METHOD) -> dict:
    """OpenID Connect Discovery 1.0 §3 metadata: only the code flow, only S256 PKCE."""
    return {
        "issuer": issuer,
        **{key: issuer + path for key, path in PATHS.items()},
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": list(pkce_methods),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(ID_TOKEN_ALGORITHMS),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "scopes_supported": DEFAULT_SCOPE.split(),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name",
                             "preferred_username", "email", "email_verified"],
        "prompt_values_supported": ["none", "login", "consent"],
        "authorization_response_iss_parameter_supported": True,
    }
