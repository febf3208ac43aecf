"""authlab: the support package of a hands-on course on sessions, cookies and JWT."""

from authlab.envcheck import check_environment
from authlab.server import Exchange, PortInUseError, Server, running, serve, stop_all

__all__ = [
    "Exchange",
    "PortInUseError",
    "Server",
    "check_environment",
    "running",
    "serve",
    "stop_all",
]
__version__ = "0.1.0"
