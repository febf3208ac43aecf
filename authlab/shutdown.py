"""``authlab.stop_all()``: stop everything this kernel started, threads and processes alike."""

from __future__ import annotations

import sys

# The in-kernel servers (threads), then the clusters' processes and the redis-servers of
# ``cluster.redis()``. A module never imported has started nothing, so it is not imported here.
_OWNERS = ("authlab.server", "authlab.cluster")

__all__ = ["stop_all"]


def stop_all() -> None:
    """Stop every in-kernel server, every cluster's worker processes and every ``cluster.redis()`` server.

    A redis-server started with ``authlab.redis_server.start_redis()`` belongs to its caller (use it
    in a ``with`` block); it stops at kernel exit too.
    """
    for name in _OWNERS:
        owner = sys.modules.get(name)
        if owner is not None:
            owner.stop_all()
