"""Deliberately VULNERABLE servers for lesson 06: each has one named flaw, and a docstring
saying what is wrong and which lesson (or reference app in ``authlab.apps``) fixes it.

Every app is named ``VULNERABLE-…`` and labels each response with an
``X-Authlab-Warning`` header. Run them only with ``authlab.serve`` (127.0.0.1), never
anywhere reachable from a network.
"""

from authlab.vulnerable.jwt_servers import (
    alg_confusion_app,
    alg_none_app,
    embedded_jwk_app,
    kid_traversal_app,
    no_expiry_app,
    unverified_signature_app,
    weak_secret_app,
)
from authlab.vulnerable.key_source_servers import jku_app
from authlab.vulnerable.session_servers import (
    client_side_logout_app,
    csrf_app,
    fixation_app,
    flask_session_app,
    predictable_session_app,
    xss_app,
)

__all__ = [
    "alg_confusion_app",
    "alg_none_app",
    "client_side_logout_app",
    "csrf_app",
    "embedded_jwk_app",
    "fixation_app",
    "jku_app",
    "flask_session_app",
    "kid_traversal_app",
    "no_expiry_app",
    "predictable_session_app",
    "unverified_signature_app",
    "weak_secret_app",
    "xss_app",
]
