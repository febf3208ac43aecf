"""The ``authlab`` command: one subcommand per tool, each in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module with ``main(argv) -> int``, one-line help)
COMMANDS = {
    "check": ("authlab.envcheck", "check that every package the course needs is installed"),
    "run": ("authlab.notebooks", "execute notebooks headless and report the time of each"),
    "bench": ("authlab.bench", "measure the in-kernel server runner against bare Werkzeug"),
    "attack": ("authlab.attacks.cli", "run the lesson 06 attack battery against a server you run on this machine"),
    "compare": ("authlab.compare.cli", "time and storage of sessions vs JWT in a header vs JWT in a cookie"),
    "grade": ("authlab.grading.command", "grade a folder of submitted lab notebooks: CSV and feedback pages"),
    "labs": ("authlab.grading.source", "generate the student labs/ from solutions/ with nbgrader"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="authlab", description="Tools of the authlab course.")
    parser.add_argument("command", choices=sorted(COMMANDS), metavar="COMMAND",
                        help="; ".join(f"{name}: {info[1]}" for name, info in sorted(COMMANDS.items())))
    parser.add_argument("args", nargs=argparse.REMAINDER, help="options of the command (see COMMAND --help)")
    if not argv:
        parser.print_help()
        return 2
    options = parser.parse_args(argv[:1])
    module = importlib.import_module(COMMANDS[options.command][0])
    try:
        return module.main(argv[1:]) or 0
    except KeyboardInterrupt:
        print("authlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
