"""PNG plots of a comparison, drawn with matplotlib's object API and its Agg renderer (no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from authlab.compare.storage import COOKIE_LIMIT

if TYPE_CHECKING:
    from authlab.compare.report import CompareResult

DPI = 100
STORE_STYLES = ({"marker": "o", "linestyle": "-"}, {"marker": "s", "linestyle": "--", "markersize": 9,
                                                     "markerfacecolor": "none"}, {"marker": "^", "linestyle": ":"})


def _save(figure: Figure, path: Path) -> Path:
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=DPI)
    return path


def latency_figure(result: CompareResult) -> Figure:
    """Histograms of the round trips (up to each approach's p99), medians marked."""
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.subplots()
    cut = max(summary.p99 for summary in result.summaries.values()) * 1e3
    low = min(summary.minimum for summary in result.summaries.values()) * 1e3
    bins = np.linspace(low, cut, 60)
    for name, run in result.latency.items():
        samples = np.asarray(run.samples) * 1e3
        line = axes.hist(samples[samples <= cut], bins=bins, histtype="step", linewidth=1.5, label=name)[2][0]
        axes.axvline(result.summaries[name].median * 1e3, color=line.get_edgecolor(), linestyle="--", linewidth=1)
    axes.set(xlabel="round trip of GET /profile (ms), up to the slowest p99", ylabel="requests",
             title="Latency distribution (dashed: median)")
    axes.legend()
    return figure


def auth_step_figure(result: CompareResult) -> Figure:
    """The auth step alone next to the full HTTP round trip, on a log scale."""
    figure = Figure(figsize=(8, 4), layout="constrained")
    axes = figure.subplots()
    labels = [step.name for step in result.auth_steps] + [f"HTTP round trip ({name})" for name in result.summaries]
    values = [step.per_call * 1e6 for step in result.auth_steps]
    values += [summary.median * 1e6 for summary in result.summaries.values()]
    colors = ["tab:blue"] * len(result.auth_steps) + ["tab:gray"] * len(result.summaries)
    axes.barh(labels, values, color=colors)
    axes.set_xscale("log")
    axes.invert_yaxis()
    axes.set(xlabel="µs per request (log scale)", title="Where the time goes: the auth step vs the whole request")
    return figure


def growth_figure(result: CompareResult) -> Figure:
    """Total server-side bytes as users grow, per store; JWT keeps nothing."""
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.subplots()
    for growth, style in zip(result.growth, STORE_STYLES, strict=False):  # stores lie close: marker and dash apart
        axes.plot(growth.users, growth.bytes, **style,
                  label=f"sessions in {growth.store} ({growth.per_session[-1]:.0f} B each)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.text(0.02, 0.95, "JWT: 0 bytes on the server (until tokens are revoked)", transform=axes.transAxes,
              va="top")
    axes.set(xlabel="active users (one session each)", ylabel="bytes the store holds",
             title="Server-side storage as users grow")
    axes.legend(loc="lower right")
    return figure


def wire_figure(result: CompareResult) -> Figure:
    """Bytes per request (credential vs the rest), and token size as claims grow."""
    figure = Figure(figsize=(10, 4.5), layout="constrained")
    left, right = figure.subplots(1, 2)
    names = [wire.approach for wire in result.wire]
    credential = [wire.credential_bytes for wire in result.wire]
    rest = [wire.request_bytes - wire.credential_bytes for wire in result.wire]
    left.bar(names, credential, label="credential headers")
    left.bar(names, rest, bottom=credential, label="other headers and request line")
    left.set(ylabel="bytes per GET /profile", title="Bytes on the wire per request")
    left.legend()
    tokens = result.tokens
    right.plot(tokens.claims, tokens.token_cookie, marker="o", label="JWT cookie (HS256)")
    right.plot(tokens.claims, tokens.rs256, marker="o", label="JWT RS256")
    right.plot(tokens.claims, tokens.session_cookie, marker="o", label="session cookie")
    right.axhline(COOKIE_LIMIT, color="tab:red", linestyle=":", label=f"{COOKIE_LIMIT}-byte cookie limit")
    over = tokens.over_cookie_limit()
    if over and over[0] != tokens.claims[0]:  # the point of the chart: where the token stops fitting in a cookie
        at = tokens.claims.index(over[0])
        x = np.interp(COOKIE_LIMIT, tokens.token_cookie[at - 1:at + 1], tokens.claims[at - 1:at + 1])
        right.plot([x], [COOKIE_LIMIT], marker="o", markersize=10, markerfacecolor="none", color="tab:red")
        right.annotate(f"too big for a cookie\nfrom about {x:.0f}\npermissions", (x, COOKIE_LIMIT), xytext=(12, -8),
                       textcoords="offset points", ha="left", va="top", color="tab:red")
    right.set(xlabel="permissions in the token", ylabel="bytes", title="Token size as claims grow")
    right.legend(loc="upper left")  # the lines start low on the left; the crossing is to the right
    return figure


PLOTS = {
    "latency.png": latency_figure,
    "auth_step.png": auth_step_figure,
    "store_growth.png": growth_figure,
    "bytes_per_request.png": wire_figure,
}


def write_plots(result: CompareResult, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [_save(draw(result), directory / name) for name, draw in PLOTS.items()]
