"""Checks for the graded labs: ``from authlab.checks import lab1; lab1.check_login(app, register)``.

In a notebook each check runs in a checker process of its own, reaching the kernel's
app and hooks over a narrow channel (``authlab.checks.instant``): the same checks, run
the same way, as when the lab is graded (``authlab grade``). ``fresh(lab)`` loads an
in-process copy of a lab's check module, and of the helpers under it, from the source
files (a cell that patches one copy changes only that copy).

``total("lab1")`` prints the running total of the checks passed in this kernel.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

from authlab.checks import _results

LABS = ("lab1", "lab2", "lab3", "lab4", "lab5")
# reloaded with every lab, in this order (each may import the ones before it)
_HELPERS = ("_core", "_clocks", "_forks", "_passwords", "_keys", "_malformed", "_browser", "_guessable", "_jwt",
            "_lab4_servers", "_op", "_oidc_browser")
_HERE = Path(__file__).resolve().parent
_spec_from_file_location = importlib.util.spec_from_file_location
_module_from_spec = importlib.util.module_from_spec

__all__ = ["LABS", "fresh", "total"]


def fresh(lab: str) -> types.ModuleType:
    """A new copy of the checks of ``lab``, executed from the source files on disk."""
    if lab not in LABS:
        raise ValueError(f"no checks for {lab!r}; the labs are {', '.join(LABS)}")
    package = sys.modules[__name__]
    for helper in _HELPERS:
        _load(helper, package)
    return _load(lab, package)


def _load(name: str, package: types.ModuleType) -> types.ModuleType:
    qualified = f"{__name__}.{name}"
    spec = _spec_from_file_location(qualified, _HERE / f"{name}.py")
    module = _module_from_spec(spec)
    sys.modules[qualified] = module
    object.__setattr__(package, name, module)
    spec.loader.exec_module(module)
    return module


def total(lab: str) -> None:
    """Print the points of the checks passed in this kernel, out of the lab's visible points."""
    checks = fresh(lab).CHECKS
    results = _results.of(lab)
    possible = sum(check.points for check in checks)
    earned = 0
    lines = []
    for check in checks:
        name = check.__name__
        if name not in results:
            mark = "·  not run yet"
        elif results[name][1]:
            mark, earned = "✔  passed", earned + check.points
        else:
            mark = "✘  failed"
        lines.append(f"  {mark:15} {name:28} {check.points} point{'s' * (check.points != 1)}")
    print(f"{lab}: {earned} of {possible} points from the checks run in this kernel")
    print("\n".join(lines))
    print("When your notebook is graded every check runs again, with a few hidden tests.")


class _ChecksPackage(types.ModuleType):
    """``authlab.checks.lab1``: the lab's checks, each run out of process (``fresh(lab)`` for in-process copies)."""

    def __getattribute__(self, name: str):
        if name in LABS:
            from authlab.checks.instant import LabChecks

            return LabChecks(name)
        return super().__getattribute__(name)


sys.modules[__name__].__class__ = _ChecksPackage
