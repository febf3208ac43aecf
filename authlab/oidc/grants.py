"""Authlib's grants with the OAuth 2.1 rules: code + PKCE S256 only, codes once, refresh tokens rotated.

The provider registers exactly these, so the implicit and password grants do not exist here
(OAuth 2.1 §10.1, §10.2): asking for them gets ``unsupported_response_type`` or
``unsupported_grant_type``.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749 import InvalidRequestError, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode

from authlab.oidc.models import AuthorizationCode, Token, User
from authlab.oidc.store import Store


class S256Only(CodeChallenge):
    """PKCE required on every authorization request, S256 only (OAuth 2.1 §4.1.1, §7.5.2; RFC 7636 §4.2).

    Authlib's ``CodeChallenge`` lets a request without a challenge through and accepts
    ``plain``; here both are refused at the authorization endpoint.
    """

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send code_challenge and code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("code_challenge_method must be S256 (plain is not accepted).")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    def __init__(self, request, server):
        super().__init__(request, server)
        self.store: Store = server.store

    def validate_authorization_request(self):
        if not self.request.payload.redirect_uri:
            raise InvalidRequestError("Missing 'redirect_uri' (OpenID Connect Core 3.1.2.1).")
        return super().validate_authorization_request()

    @staticmethod
    def validate_authorization_redirect_uri(request, client) -> str:
        # Authlib's message quotes the URI, and a URI with control characters would make it raise.
        if not client.check_redirect_uri(request.payload.redirect_uri):
            raise InvalidRequestError("redirect_uri is not registered for this client (compared exactly).")
        return request.payload.redirect_uri

    def save_authorization_code(self, code: str, request) -> None:
        data = request.payload.data
        self.store.add_code(
            AuthorizationCode(
                code=code,
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.payload.scope or "",
                user=request.user,
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
                nonce=data.get("nonce"),
                auth_time=self.server.auth_time_of(request.user),
            )
        )

    def query_authorization_code(self, code, client) -> AuthorizationCode | None:
        return self.store.redeem_code(code, client.client_id)  # claimed: a failed check burns it too

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        pass  # already marked used when claimed

    def authenticate_user(self, authorization_code: AuthorizationCode) -> User:
        return authorization_code.user


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """Each refresh returns a new refresh token and retires the old one (OAuth 2.1 §4.3.1).

    Presenting a retired refresh token again means it was stolen (or the client is broken):
    every token of that sign-in is revoked.
    """

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        return self.server.store.refreshable(refresh_token)

    def authenticate_user(self, refresh_token: Token) -> User:
        return refresh_token.user

    def revoke_old_credential(self, refresh_token: Token) -> None:
        self.server.store.rotate(refresh_token)


class OpenIDCodeExtension(OpenIDCode):
    """ID tokens for the code flow (OIDC Core §3.1.3.6), signed with the client's algorithm."""

    def __init__(self, server):
        super().__init__(require_nonce=False)
        self.server = server

    def exists_nonce(self, nonce: str, request) -> bool:
        return self.server.store.nonce_seen(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client):
        return self.server.keys.private(client.id_token_alg)

    def get_encode_header(self, client) -> dict:
        return {"alg": client.id_token_alg, "kid": self.server.keys.kid(client.id_token_alg), "typ": "JWT"}

    def get_client_claims(self, client) -> dict:
        return {"iss": self.server.issuer(), "aud": client.client_id}

    def generate_user_info(self, user: User, scope: str) -> dict:
        return user.claims(scope)
