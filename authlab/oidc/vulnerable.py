"""Deliberately VULNERABLE OpenID Connect parties for lesson 09: each has one named flaw.

Every app is named ``VULNERABLE-…`` and labels each response with an ``X-Authlab-Warning``
header. Each docstring says what is wrong, which attack it lets through and what fixes it
(the fixed party is ``oidc.provider_app`` or ``oidc.client_app``). Run them only with
``authlab.serve`` (127.0.0.1), never anywhere reachable from a network.
"""

from __future__ import annotations

import dataclasses

import jwt
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask

from authlab.oidc.id_tokens import IdTokenError, signing_key
from authlab.oidc.models import Client
from authlab.oidc.provider import DEMO_CLIENT, OpenIDProvider, provider_app
from authlab.oidc.relying_party import Provider, relying_party

PREFIX = "VULNERABLE-"
WARNING_HEADER = "X-Authlab-Warning"

__all__ = [
    "local_storage_client",
    "mix_up_client",
    "no_state_client",
    "nonce_replay_client",
    "pkce_optional_provider",
    "prefix_redirect_provider",
    "tokens_in_url_client",
    "unchecked_aud_client",
]


def _label(app: Flask) -> Flask:
    if not app.name.startswith(PREFIX):
        raise ValueError(f"vulnerable apps are named {PREFIX}…, not {app.name!r}")

    @app.after_request
    def label(response):
        response.headers[WARNING_HEADER] = "deliberately vulnerable demo (authlab lesson 09): loopback only"
        return response

    return app


# -- providers ------------------------------------------------------------------------------


def pkce_optional_provider(clients: list[Client] | None = None, **options) -> OpenIDProvider:
    """VULNERABLE: PKCE is optional and ``plain`` is accepted (OAuth 2.0's rules, Authlib's defaults).

    A code stolen on its way back (from a log, a Referer, a malicious app on the device) is
    redeemed by whoever holds it when the authorization request carried no challenge, or a
    ``plain`` one, which *is* the verifier and stood in the URL. OAuth 2.1 §4.1.1, §7.5.2 and
    RFC 9700 §2.1.1: require PKCE, S256 only, as ``oidc.provider_app`` does.
    """
    app = provider_app(clients=clients, name=PREFIX + "pkce-optional-provider", pkce=CodeChallenge(required=False),
                       **options)
    return _label(app)


@dataclasses.dataclass
class PrefixMatchingClient(Client):
    """A client whose redirect URIs match anything that *starts* with a registered one."""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return any(redirect_uri.startswith(registered) for registered in self.redirect_uris)


def prefix_redirect_provider(clients: list[Client] | None = None, **options) -> OpenIDProvider:
    """VULNERABLE: ``redirect_uri`` is accepted when it starts with a registered one.

    ``http://127.0.0.1:5000`` registered lets ``http://127.0.0.1:5000@attacker.example/`` through:
    everything before ``@`` is user info, the host is the attacker's, and the code goes there.
    OAuth 2.1 §2.3.1 and RFC 9700 §4.1.3: compare redirect URIs as exact strings, as
    ``oidc.provider_app`` does.
    """
    registered = [DEMO_CLIENT] if clients is None else clients
    loose = [PrefixMatchingClient(**{f.name: getattr(c, f.name) for f in dataclasses.fields(c)}) for c in registered]
    return _label(provider_app(clients=loose, name=PREFIX + "prefix-redirect-provider", **options))


# -- relying parties ------------------------------------------------------------------------


def no_state_client(provider: Provider) -> Flask:
    """VULNERABLE: sends no ``state``, no ``nonce`` and no PKCE, so any callback is taken (login CSRF).

    The attacker signs in as themselves, keeps the code and makes the victim's browser open
    ``/callback?code=…``: the victim is now signed in to the attacker's account and what they
    save lands there. OAuth 2.1 §7.6 and RFC 9700 §4.7: bind the callback to the browser with
    ``state``, as ``oidc.client_app`` does (its PKCE verifier and nonce bind it too). Needs a
    provider that allows no PKCE.
    """
    return _label(relying_party([provider], name=PREFIX + "no-state-client", bind_browser=False))


def _decode(id_token, jwks, *, issuer: str, audience: str | None) -> dict:
    key = signing_key(id_token, jwks)
    options = {"verify_aud": audience is not None, "require": ["iss", "sub", "exp"]}
    try:
        return jwt.decode(id_token, key, algorithms=[key.algorithm_name], issuer=issuer, audience=audience,
                          options=options)
    except jwt.PyJWTError as error:
        raise IdTokenError(str(error)) from None


def unchecked_aud_client(provider: Provider) -> Flask:
    """VULNERABLE: ``POST /session`` accepts an ID token without checking ``aud``.

    The signature and ``iss`` are right, but the token may have been issued to *another*
    client of the same provider: any app alice signed in to can sign in as alice here.
    OIDC Core 1.0 §3.1.3.7 item 3: ``aud`` must contain this client's ID.
    """

    def verify(id_token, jwks, *, issuer, client_id, nonce):
        return _decode(id_token, jwks, issuer=issuer, audience=None)

    return _label(relying_party([provider], name=PREFIX + "unchecked-aud-client", verify=verify))


def nonce_replay_client(provider: Provider) -> Flask:
    """VULNERABLE: ``POST /session`` never compares the ID token's ``nonce`` with this browser's.

    An ID token seen once (in a log, a URL, script-readable storage) signs its user in again
    from any browser until it expires. OIDC Core 1.0 §3.1.2.1, §3.1.3.7 item 11, §15.5.2: send a
    fresh nonce, bound to the browser, and require the token to carry it.
    """

    def verify(id_token, jwks, *, issuer, client_id, nonce):
        return _decode(id_token, jwks, issuer=issuer, audience=client_id)

    return _label(relying_party([provider], name=PREFIX + "nonce-replay-client", verify=verify))


def mix_up_client(*providers: Provider) -> Flask:
    """VULNERABLE: ignores the ``iss`` parameter of the authorization response (RFC 9207).

    With two providers, one of them the attacker's, the client sends the honest provider's
    code (and PKCE verifier) to the provider the login *started* with: the attacker's.
    RFC 9207 §2.4 and RFC 9700 §4.4: compare ``iss`` with the provider this browser went to.
    """
    return _label(relying_party(providers, name=PREFIX + "mix-up-client", check_iss=False))


def tokens_in_url_client(provider: Provider) -> Flask:
    """VULNERABLE: hands the tokens to its page in the URL (``/welcome?access_token=…``).

    URLs land in server and proxy logs, browser history and ``Referer`` headers. OAuth 2.1
    §5.2 (no tokens in query strings) and RFC 6750 §2.3: keep tokens out of URLs; a
    backend-for-frontend (``oidc.client_app``) keeps them out of the browser entirely.
    """
    return _label(relying_party([provider], name=PREFIX + "tokens-in-url-client", hand_tokens="url"))


def local_storage_client(provider: Provider) -> Flask:
    """VULNERABLE: its callback page keeps the tokens in ``localStorage``, readable by any script.

    One injected script (an XSS, a compromised third-party library) on this origin reads them
    and sends them away; they keep working elsewhere until they expire. An HttpOnly cookie
    cannot be read by script. OAuth 2.0 for Browser-Based Applications (IETF draft) §6.1 and
    the OWASP HTML5 Security Cheat Sheet: keep tokens on a backend-for-frontend, as
    ``oidc.client_app`` does.
    """
    return _label(relying_party([provider], name=PREFIX + "local-storage-client", hand_tokens="storage"))
