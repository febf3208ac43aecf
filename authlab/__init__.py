"""authlab: the support package of a hands-on course on sessions, cookies and JWT."""

from authlab.envcheck import check_environment
from authlab.inspect import inspect_cookies, inspect_jwt, show_exchange
from authlab.record import record
from authlab.server import Exchange, PortInUseError, Server, running, serve, stop_all

__all__ = [
    "Exchange",
    "PortInUseError",
    "Server",
    "check_environment",
    "inspect_cookies",
    "inspect_jwt",
    "record",
    "running",
    "serve",
    "show_exchange",
    "stop_all",
]
__version__ = "0.1.0"
