"""Compare sessions, JWT in a header and JWT in a cookie: time and storage, measured honestly.

    from authlab import compare
    result = compare.run(quick=True)   # a few seconds; the default run takes under a minute
    result                             # tables: latency, auth step, storage, wire, token size
    result.to_json()                   # every figure as plain JSON
    result.plot("plots/")              # PNGs: latency, auth step, store growth, bytes per request

The same as a command: ``authlab compare --quick``.
"""

import importlib

# Imported on first use, so a server worker process (``python -m authlab.compare.worker``)
# starts without loading numpy and the measuring code it never runs.
_EXPORTS = {
    "CompareError": "authlab.compare.errors",
    "CompareResult": "authlab.compare.report",
    "DEFAULT": "authlab.compare.runner",
    "QUICK": "authlab.compare.runner",
    "Plan": "authlab.compare.runner",
    "run": "authlab.compare.runner",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'authlab.compare' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
