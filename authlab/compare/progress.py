"""Progress bars for the slow phases: on stderr, only on a terminal, only after a second."""

from __future__ import annotations

import shutil
import sys

from tqdm import tqdm


def bar(total: int, description: str, enabled: bool) -> tqdm:
    """A tqdm bar that stays hidden unless ``enabled`` and the phase lasts over a second."""
    columns = shutil.get_terminal_size().columns  # 80 when the terminal does not say (tqdm would draw nothing)
    return tqdm(total=total, desc=description, file=sys.stderr, disable=not enabled, delay=1.0, leave=False,
                unit="step", ncols=columns)


def wanted(no_progress: bool = False) -> bool:
    """Whether to draw bars: not asked off, and stderr is a terminal (not a pipe, log or notebook)."""
    return not no_progress and sys.stderr.isatty()
