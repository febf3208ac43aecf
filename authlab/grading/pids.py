"""The sandbox's process limit: a ``pids`` cgroup of its own, or ``RLIMIT_NPROC`` where that is enforced.

``RLIMIT_NPROC`` is not enforced for root: the kernel lets a fork through when the
real user is root of the initial user namespace (``kernel/fork.c``, ``copy_process``),
and a sandbox's user namespace keeps that kernel uid. So when the grader runs as root
(CI, Docker) each sandbox gets a child cgroup of the grader's own in the ``pids``
hierarchy (cgroup v1), or in the cgroup v2 tree where the ``pids`` controller is
delegated to the grader's cgroup, with ``pids.max`` set to the sandbox's limit
(kernel documentation, ``admin-guide/cgroup-v1/pids.rst`` and ``cgroup-v2.rst``,
"PID"). Threads count as tasks in both, as they do for ``RLIMIT_NPROC``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import signal
import time
from pathlib import Path


class Cgroup:
    """A pids cgroup for one sandbox: join it before the sandbox starts, remove it once all is gone."""

    def __init__(self, path: Path, limit: int):
        self.path, self.limit = path, limit

    @classmethod
    def create(cls, limit: int) -> Cgroup | None:
        """A new child cgroup with ``pids.max = limit``, or None where none can be made."""
        base = _base()
        if base is None:
            return None
        path = base / f"authlab-sandbox-{secrets.token_hex(6)}"
        try:
            path.mkdir()
        except OSError:
            return None
        try:
            (path / "pids.max").write_text(str(limit))
        except OSError:
            path.rmdir()
            return None
        return cls(path, limit)

    @property
    def procs(self) -> Path:
        """The file a process writes its PID to in order to join (its children are born inside)."""
        return self.path / "cgroup.procs"

    def refused(self) -> int:
        """How many forks the limit refused (``max`` in ``pids.events``)."""
        with contextlib.suppress(OSError, ValueError):
            for line in (self.path / "pids.events").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "max":
                    return int(value)
        return 0

    def remove(self, timeout: float = 10.0) -> bool:
        """Kill what is still inside (nothing should be) and remove the cgroup; False if it stayed."""
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError):
                for pid in self.procs.read_text().split():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)
            try:
                self.path.rmdir()
                return True
            except FileNotFoundError:
                return True
            except OSError:  # EBUSY while the last tasks are being released
                if time.monotonic() > deadline:
                    return False  # an empty cgroup left behind must not cost the student their grade
                time.sleep(0.05)


def _own_cgroups() -> dict[str, str]:
    """This process's cgroup per hierarchy: ``{"pids": "/", "": "/..."}`` ("" is cgroup v2)."""
    found = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            found[controller] = path
    return found


def _mounts() -> list[tuple[str, str, set[str]]]:
    """(mount point, root inside the hierarchy, options) of every cgroup and cgroup2 mount."""
    mounts = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        separator = fields.index("-")
        kind, options = fields[separator + 1], set(fields[separator + 3].split(","))
        if kind in ("cgroup", "cgroup2"):
            mounts.append((fields[4], fields[3], options if kind == "cgroup" else {"cgroup2"}))
    return mounts


def _under(mount: str, root: str, path: str) -> Path | None:
    """Where the hierarchy's ``path`` appears under a mount of its ``root``."""
    relative = os.path.relpath(path, root)
    return None if relative.startswith("..") else Path(mount) / relative


@functools.cache
def _base() -> Path | None:
    """The grader's own cgroup in a hierarchy where children with ``pids.max`` can be made, if any."""
    try:
        own, mounts = _own_cgroups(), _mounts()
    except (OSError, ValueError):
        return None
    for mount, root, options in mounts:  # cgroup v1: the hierarchy with the pids controller
        if "pids" in options and "pids" in own:
            base = _under(mount, root, own["pids"])
            if base is not None and os.access(base, os.W_OK):
                return base
    for mount, root, options in mounts:  # cgroup v2: pids delegated to the grader's cgroup's children
        if "cgroup2" in options and "" in own:
            base = _under(mount, root, own[""])
            if base is None or not os.access(base, os.W_OK):
                continue
            with contextlib.suppress(OSError):
                enabled = (base / "cgroup.subtree_control").read_text().split()
                if "pids" not in enabled:
                    (base / "cgroup.subtree_control").write_text("+pids")  # EBUSY where the cgroup holds processes
                return base
    return None


@functools.cache
def cap(limit: int) -> tuple[str | None, str]:
    """How sandboxes' processes are capped at ``limit`` here: ("cgroup"|"rlimit"|None, a sentence)."""
    group = Cgroup.create(limit)
    if group is not None:
        group.remove()
        return "cgroup", f"at most {limit} processes per sandbox (pids cgroup, pids.max)"
    if os.getuid() != 0:
        return "rlimit", f"at most {limit} processes per sandbox (RLIMIT_NPROC)"
    return None, ("NO PROCESS LIMIT: the grader runs as root, which RLIMIT_NPROC does not limit, and no pids cgroup "
                  "could be created (cgroup v1 pids hierarchy or a delegated cgroup v2 subtree); a fork bomb in a "
                  "submission is stopped only by the notebook timeout")
