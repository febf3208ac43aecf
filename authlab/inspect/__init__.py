"""Inspectors that show what is inside tokens, cookies and HTTP exchanges: offline, in the kernel.

Usage (each result renders as HTML in a notebook and as plain text with ``print``):

    import authlab
    report = authlab.inspect_jwt(token, key=secret)    # .status .verdict .header .payload .claims .warnings
    report.edit(payload={**report.payload, "admin": True}, keep_signature=True)   # tampered -> INVALID_SIGNATURE
    authlab.inspect.encode({"alg": "HS256"}, {"sub": "alice", "exp": ...}, key=secret).token
    authlab.inspect.JWTInspector(token, key)            # the live widget

    authlab.inspect_cookies(response, secret_key=app.secret_key)   # Set-Cookie of every redirect hop, reviewed
    authlab.show_exchange(response)                     # request and response of every hop, curl -v style

Statuses of a token (``Status``): VERIFIED, INVALID_SIGNATURE, CANNOT_VERIFY (no key, or a key that does not
fit the alg), UNSECURED (alg none), MALFORMED (cannot be decoded). Bad input never raises in the inspectors;
the verdict explains it in one line. ``encode`` raises UnusableKeyError when the key cannot sign.
See the module docstrings of ``jwt``, ``cookies``, ``exchange`` and ``widgets`` for details and warning codes.
"""

from authlab.inspect.cookies import Cookie, CookieInspection, inspect_cookies
from authlab.inspect.exchange import ExchangeView, show_exchange
from authlab.inspect.jwt import TokenInspection, encode, inspect_jwt
from authlab.inspect.keys import UnusableKeyError
from authlab.inspect.verdicts import Finding, Status

__all__ = [
    "Cookie",
    "CookieInspection",
    "ExchangeView",
    "Finding",
    "JWTInspector",
    "Status",
    "TokenInspection",
    "UnusableKeyError",
    "encode",
    "inspect_cookies",
    "inspect_jwt",
    "show_exchange",
]


def __getattr__(name: str):
    # ipywidgets takes a fifth of a second to import; load it only when the widget is wanted.
    if name == "JWTInspector":
        from authlab.inspect.widgets import JWTInspector

        return JWTInspector
    raise AttributeError(f"module 'authlab.inspect' has no attribute {name!r}")
