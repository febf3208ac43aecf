"""Child processes that never outlive the kernel that started them."""

from __future__ import annotations

import ctypes
import os
import signal
import sys


def die_with_parent(parent: int) -> None:
    """Linux: have the OS send SIGTERM when ``parent`` dies, even by SIGKILL.

    Call it in the child (after fork, or as ``preexec_fn``); it survives ``exec``.
    """
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(0)
