"""OAuth 2.1 and OpenID Connect for lesson 09: a provider built on Authlib, run in the kernel.

    from authlab import oidc
    op = authlab.serve(oidc.provider_app())                    # the provider (Authlib's server classes)
    rp = authlab.serve(oidc.client_app(oidc.Provider(op.url, "course-app", "secret")))  # a BFF client

The deliberately vulnerable parties of the lesson's attacks are in ``authlab.oidc.vulnerable``.
Names load on first use (PEP 562, as in ``authlab``): a graded lab 5 gets the provider but not the
course's relying party, which its sandbox leaves out.
"""

import importlib

_EXPORTS = {
    "Client": "authlab.oidc.models",
    "DEMO_CLIENT": "authlab.oidc.provider",
    "IdTokenError": "authlab.oidc.id_tokens",
    "OpenIDProvider": "authlab.oidc.provider",
    "Provider": "authlab.oidc.relying_party",
    "Users": "authlab.oidc.models",
    "client_app": "authlab.oidc.relying_party",
    "discovery_document": "authlab.oidc.provider",
    "pkce_pair": "authlab.oidc.relying_party",
    "provider_app": "authlab.oidc.provider",
    "validate_id_token": "authlab.oidc.id_tokens",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'authlab.oidc' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
