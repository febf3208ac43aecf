"""OAuth 2.1 and OpenID Connect for lesson 09: a provider built on Authlib, run in the kernel.

    from authlab import oidc
    op = authlab.serve(oidc.provider_app())                    # the provider (Authlib's server classes)
    rp = authlab.serve(oidc.client_app(oidc.Provider(op.url, "course-app", "secret")))  # a BFF client

The deliberately vulnerable parties of the lesson's attacks are in ``authlab.oidc.vulnerable``.
"""

from authlab.oidc.id_tokens import IdTokenError, validate_id_token
from authlab.oidc.models import Client, Users
from authlab.oidc.provider import DEMO_CLIENT, OpenIDProvider, discovery_document, provider_app
from authlab.oidc.relying_party import Provider, client_app, pkce_pair

__all__ = [
    "Client",
    "DEMO_CLIENT",
    "IdTokenError",
    "OpenIDProvider",
    "Provider",
    "Users",
    "client_app",
    "discovery_document",
    "pkce_pair",
    "provider_app",
    "validate_id_token",
]
