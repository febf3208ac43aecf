"""One reference server in its own process, for ``authlab compare --processes``.

    python -m authlab.compare.worker --kind session --store memory://

Prints ``PORT <n>`` once the server answers, then serves until its stdin closes.
"""

from __future__ import annotations

import argparse
import sys

from authlab.compare.servers import APPROACHES, build_app
from authlab.server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authlab.compare.worker", description=__doc__)
    parser.add_argument("--kind", choices=APPROACHES, required=True)
    parser.add_argument("--store", default="memory://", help="session store URL (session app only)")
    options = parser.parse_args(argv)
    server = serve(build_app(options.kind, options.store), name=options.kind, show=False)
    try:
        print(f"PORT {server.port}", flush=True)
        sys.stdin.read()  # returns when the parent closes our stdin or exits
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
