"""``authlab compare``: time and storage of sessions vs JWT in a header vs JWT in a cookie.

Starts the three reference servers, logs in to each and measures authenticated requests
(interleaved rounds, median, p95, p99, a bootstrap CI of the median, requests per second),
the authentication step alone in-process, server-side bytes as users grow, bytes on the wire
per request and token size as claims grow.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from authlab.compare.errors import CompareError
from authlab.compare.progress import wanted
from authlab.compare.runner import MAX_CONCURRENCY, run
from authlab.compare.servers import STORES

PROG = "authlab compare"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of argparse's usage block
        raise _UsageError(message)


def _whole_number(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a whole number from {low} to {high}, got {text!r}")
        return value

    return parse


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")) or len(text.split("://", 1)[1].strip("/")) == 0:
        raise argparse.ArgumentTypeError(f"expected a URL such as http://127.0.0.1:5000, got {text!r}")
    return text


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few seconds, fewer samples (for notebooks and tests)")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON instead of tables")
    parser.add_argument("--plot", metavar="DIR", type=Path, help="write PNG plots into DIR")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars (off anyway when not a terminal)")
    parser.add_argument("--processes", action="store_true",
                        help="run each reference server in its own process instead of a thread of this one")
    parser.add_argument("--concurrency", type=_whole_number(1, MAX_CONCURRENCY), default=None, metavar="N",
                        help="client threads per approach (default 1)")
    parser.add_argument("--rounds", type=_whole_number(2, 100_000), default=None, metavar="N",
                        help="measured rounds (default 100, quick 30)")
    parser.add_argument("--store", choices=STORES, default="memory", help="the session app's store while timing")
    parser.add_argument("--no-redis", action="store_true", help="leave Redis out of the storage figures")
    parser.add_argument("--seed", type=_whole_number(0, 2**32 - 1), default=0, help="bootstrap seed (default 0)")
    for approach in ("session", "jwt-header", "jwt-cookie"):
        parser.add_argument(f"--{approach}-url", metavar="URL", type=_url, dest=approach.replace("-", "_") + "_url",
                            help=f"measure the {approach} server already running at URL instead of starting one")
    return parser


def _plot_folder(folder: Path) -> None:
    """Create the --plot folder now, so a bad path fails before a minute of measuring."""
    if folder.exists() and not folder.is_dir():
        raise _UsageError(f"--plot {folder}: exists and is not a directory")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _UsageError(f"--plot {folder}: cannot create it ({error.strerror or error})") from None


def main(argv: list[str]) -> int:
    try:
        options = _parser().parse_args(argv)
        if options.plot is not None:
            _plot_folder(options.plot)
    except _UsageError as error:
        print(f"{PROG}: {error} (see {PROG} --help)", file=sys.stderr)
        return 2
    except SystemExit as done:  # --help
        return int(done.code or 0)
    urls = {name: getattr(options, name.replace("-", "_") + "_url")
            for name in ("session", "jwt-header", "jwt-cookie")}
    try:
        result = run(
            options.quick, mode="processes" if options.processes else "threads", store=options.store,
            concurrency=options.concurrency, rounds=options.rounds, redis=not options.no_redis, seed=options.seed,
            urls={name: url for name, url in urls.items() if url}, progress=wanted(options.no_progress),
        )
        plots = [str(path) for path in result.plot(options.plot)] if options.plot is not None else []
    except CompareError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{PROG}: cannot write plots to {options.plot}: {error.strerror or error}", file=sys.stderr)
        return 1
    if options.json:
        print(json.dumps({**result.to_json(), "plots": plots}, indent=2))
    else:
        print(result.table())
        if plots:
            print("plots: " + ", ".join(plots))
    return 0
