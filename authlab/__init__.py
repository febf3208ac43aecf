"""authlab: the support package of a hands-on course on sessions, cookies and JWT.

Names load on first use (PEP 562), so ``import authlab`` stays fast and a lesson pays
only for the tools it touches. ARCHITECTURE.md (next to the README) maps the package.
"""

import importlib
import importlib.metadata
from typing import TYPE_CHECKING

_EXPORTS = {
    "AuthlabError": "authlab.errors",
    "Exchange": "authlab.server",
    "PortInUseError": "authlab.server",
    "Server": "authlab.server",
    "Table": "authlab.table",
    "TokenError": "authlab.tokens",
    "Users": "authlab.users",
    "check_environment": "authlab.envcheck",
    "inspect_cookies": "authlab.inspect",
    "inspect_jwt": "authlab.inspect",
    "log_in": "authlab.client",
    "record": "authlab.recording",
    "running": "authlab.server",
    "serve": "authlab.server",
    "show_exchange": "authlab.inspect",
    "state_of": "authlab.webapp",
    "stop_all": "authlab.shutdown",
}

if TYPE_CHECKING:  # what an IDE or type checker sees; at run time the names load lazily
    from authlab.client import log_in
    from authlab.envcheck import check_environment
    from authlab.errors import AuthlabError
    from authlab.inspect import inspect_cookies, inspect_jwt, show_exchange
    from authlab.recording import record
    from authlab.server import Exchange, PortInUseError, Server, running, serve
    from authlab.shutdown import stop_all
    from authlab.table import Table
    from authlab.tokens import TokenError
    from authlab.users import Users
    from authlab.webapp import state_of

__all__ = [
    "AuthlabError",
    "Exchange",
    "PortInUseError",
    "Server",
    "Table",
    "TokenError",
    "Users",
    "check_environment",
    "inspect_cookies",
    "inspect_jwt",
    "log_in",
    "record",
    "running",
    "serve",
    "show_exchange",
    "state_of",
    "stop_all",
]
__version__ = importlib.metadata.version("authlab")


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'authlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
