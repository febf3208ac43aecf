"""Ask the same question at regular moments and plot the answers: is this credential still accepted?

    timeline = watch(
        {"session": lambda: client.get(url).status_code, "JWT": lambda: ...},
        seconds=3, every=0.25,
        actions={0.5: ("log out", log_out_everywhere)},
    )
    timeline.mark(exp - timeline.start, "JWT exp")
    print(timeline)      # one row of ✓ and ✗ per probe
    timeline.plot()      # the same as a matplotlib figure

Times are seconds since ``watch`` started. ``clock`` and ``sleep`` can be replaced (a fake
clock in tests); the default is wall-clock time, so a token's ``exp`` converts directly.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping

__all__ = ["Probe", "Timeline", "watch"]


@dataclasses.dataclass(frozen=True)
class Probe:
    at: float
    status: int

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclasses.dataclass
class Timeline:
    start: float
    probes: dict[str, list[Probe]]
    events: list[tuple[float, str]] = dataclasses.field(default_factory=list)

    def mark(self, at: float, label: str) -> None:
        """Add a labelled moment (seconds since start), e.g. when a token expires."""
        self.events.append((at, label))
        self.events.sort()

    def event(self, label: str) -> float:
        """When the event called ``label`` happened."""
        for at, name in self.events:
            if name == label:
                return at
        raise KeyError(f"no event {label!r}; the events are {[name for _, name in self.events]}")

    def accepted(self, name: str, after: float = float("-inf"), before: float = float("inf")) -> list[float]:
        """Times at which ``name`` was accepted, strictly between ``after`` and ``before``."""
        return [p.at for p in self._of(name) if p.accepted and after < p.at < before]

    def refused(self, name: str, after: float = float("-inf"), before: float = float("inf")) -> list[float]:
        """Times at which ``name`` was refused, strictly between ``after`` and ``before``."""
        return [p.at for p in self._of(name) if not p.accepted and after < p.at < before]

    def _of(self, name: str) -> list[Probe]:
        if name not in self.probes:
            raise KeyError(f"no probe {name!r}; the probes are {list(self.probes)}")
        return self.probes[name]

    def __str__(self) -> str:
        width = max(map(len, self.probes))
        lines = [f"{name:>{width}}  " + "".join("✓" if p.accepted else "✗" for p in probes)
                 for name, probes in self.probes.items()]
        lines += [f"{'':>{width}}  {label} at {at:.2f} s" for at, label in self.events]
        return "\n".join(lines)

    def plot(self, ax=None, title: str = "Is the credential still accepted?"):
        """One row per probe: green dots accepted, red crosses refused, dashed lines at the events."""
        import matplotlib.pyplot as plt

        figure = None
        if ax is None:
            figure, ax = plt.subplots(figsize=(9, 1.2 + 0.7 * len(self.probes)))
        names = list(self.probes)
        for row, name in enumerate(names):
            ok = [p.at for p in self.probes[name] if p.accepted]
            refused = [p.at for p in self.probes[name] if not p.accepted]
            ax.scatter(ok, [row] * len(ok), marker="o", color="#1a7f37", s=60, zorder=3,
                       label="accepted (2xx)" if row == 0 else None)
            ax.scatter(refused, [row] * len(refused), marker="x", color="#cf222e", s=60, zorder=3,
                       label="refused (401)" if row == 0 else None)
        for index, (at, label) in enumerate(self.events):
            ax.axvline(at, color="#57606a", linestyle="--", linewidth=1)
            ax.annotate(label, (at, len(names) - 0.5 + 0.25 * (index % 2)), xytext=(3, 0),
                        textcoords="offset points", fontsize=9, color="#57606a")
        ax.set_yticks(range(len(names)), names)
        ax.set_ylim(-0.6, len(names) + 0.2)
        ax.set_xlabel("seconds since the watch started")
        ax.set_title(title)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, frameon=False)
        ax.grid(axis="x", alpha=0.3)
        if figure is not None:
            figure.tight_layout()
            plt.close(figure)  # the caller displays it; nothing is drawn twice
        return figure or ax.figure


def watch(
    probes: Mapping[str, Callable[[], int]],
    *,
    seconds: float,
    every: float,
    actions: Mapping[float, tuple[str, Callable[[], object]]] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Timeline:
    """Call each probe (returning an HTTP status) every ``every`` seconds for ``seconds`` seconds.

    ``actions`` maps a time to ``(label, function)``: the function runs at the first tick at
    or after that time, before that tick's probes, and its label is marked on the timeline.
    """
    if every <= 0 or seconds < 0:
        raise ValueError(f"need every > 0 and seconds >= 0 (got every={every}, seconds={seconds})")
    pending = sorted((actions or {}).items())
    start = clock()
    timeline = Timeline(start, {name: [] for name in probes})
    for tick in range(int(round(seconds / every)) + 1):
        sleep(max(0.0, start + tick * every - clock()))
        while pending and pending[0][0] <= tick * every + 1e-9:
            _, (label, action) = pending.pop(0)
            timeline.mark(clock() - start, label)
            action()
        for name, probe in probes.items():
            timeline.probes[name].append(Probe(clock() - start, probe()))
    return timeline
