"""OAuth 2.1 and OpenID Connect for lesson 09: a provider built on Authlib, run in the kernel.

    from authlab import oidc
    op = authlab.serve(oidc.provider_app())
"""

from authlab.oidc.models import Client
from authlab.oidc.provider import DEMO_CLIENT, OpenIDProvider, discovery_document, provider_app

__all__ = ["Client", "DEMO_CLIENT", "OpenIDProvider", "discovery_document", "provider_app"]
