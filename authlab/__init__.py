"""authlab: the support package of a hands-on course on sessions, cookies and JWT.

Names load on first use (PEP 562), so ``import authlab`` stays fast and a lesson pays
only for the tools it touches.
"""

import importlib

_EXPORTS = {
    "check_environment": "authlab.envcheck",
    "inspect_cookies": "authlab.inspect",
    "inspect_jwt": "authlab.inspect",
    "show_exchange": "authlab.inspect",
    "record": "authlab.recording",
    "Exchange": "authlab.server",
    "PortInUseError": "authlab.server",
    "Server": "authlab.server",
    "running": "authlab.server",
    "serve": "authlab.server",
    "stop_all": "authlab.server",
}

__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'authlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
