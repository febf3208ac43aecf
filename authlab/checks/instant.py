"""Instant feedback in JupyterLab: a test cell's check runs in a checker process, as when the lab is graded.

``lab1.check_login(app, register)`` in a notebook starts ``python -m authlab.checks.remote``
with one end of a socket pair; this kernel serves the call's arguments to it over the
channel (its app over HTTP, its hooks as remote functions) while the cell relays the
checker's ✔ lines. The checker's verdict decides: a failure is raised here as
``CheckFailed``, shown as a short ✘ block.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import types

from authlab.checks import _results
from authlab.checks.channel import Channel, Live
from authlab.checks.harness import Harness


class LabChecks(types.ModuleType):
    """``authlab.checks.lab1`` in a kernel: every ``check_*`` attribute runs that check out of process."""

    def __init__(self, lab: str):
        super().__init__(f"authlab.checks.{lab}")
        self.lab = lab

    def __getattr__(self, name: str):
        if not name.startswith("check_"):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")

        def run(*args):
            return run_check(self.lab, name, args)

        run.__name__ = run.__qualname__ = name
        return run


def run_check(lab: str, check: str, args: tuple) -> None:
    """Run ``check(*args)`` in a checker process against this kernel's objects; raise its failure here."""
    from authlab.checks import fresh
    from authlab.checks._core import CheckFailed

    harness = Harness({})
    verdict: list = []
    handlers = {**harness.handlers(), "args": lambda: [Live(arg) for arg in args], "verdict": verdict.extend}
    ours, theirs = socket.socketpair()
    channel = Channel(ours, "kernel", guarded=False, handlers=handlers)
    try:
        process = subprocess.Popen([sys.executable, "-u", "-m", "authlab.checks.remote", str(theirs.fileno()),
                                    lab, check], pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        theirs.close()
        errors: list[str] = []
        reader = threading.Thread(target=lambda: errors.append(process.stderr.read()[-2000:]), daemon=True)
        reader.start()
        for line in process.stdout:
            print(line, end="", flush=True)
        process.wait()
        reader.join(5)
    finally:
        channel.close()
        harness.close()
    points = getattr(getattr(fresh(lab), check, None), "points", 0)
    _results.record(lab, check, points, passed=bool(verdict) and verdict[0])
    if not verdict:
        detail = (errors[0].strip().splitlines() or ["no message"])[-1] if errors else "no message"
        raise CheckFailed(f"the checker stopped before a verdict ({detail})", hint="run the cell again; if it "
                          "persists, restart the kernel and run the notebook from the top")
    passed, problem, hint = verdict
    if not passed:
        raise CheckFailed(f"{problem}; {hint}" if hint else problem, problem, hint)
