"""The result of a comparison: figures, a terminal table, JSON, and plots."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

from authlab.compare.stats import Summary
from authlab.compare.storage import COOKIE_LIMIT, Growth, TokenSizes, Wire
from authlab.compare.timing import PATH, AuthStep, LatencyRun

SCHEMA = "authlab.compare/1"
OVERHEAD_LIMIT = 0.05  # the measuring loop may cost at most this share of a round trip
PERCENTILE_DEFINITION = "linear interpolation between closest ranks (Hyndman-Fan type 7, numpy's default)"
CI_DEFINITION = "95% percentile bootstrap of the median, seeded"


@dataclasses.dataclass(frozen=True)
class ServerState:
    """Server-side bytes of a running reference app (None when it runs in another process)."""

    approach: str
    logged_in: int | None
    after_logout: int | None


@dataclasses.dataclass
class CompareResult:
    config: dict
    latency: dict[str, LatencyRun] = dataclasses.field(default_factory=dict)
    summaries: dict[str, Summary] = dataclasses.field(default_factory=dict)  # seconds
    overhead: float = 0.0  # seconds per request spent in the measuring loop itself
    auth_steps: list[AuthStep] = dataclasses.field(default_factory=list)
    growth: list[Growth] = dataclasses.field(default_factory=list)
    skipped: dict[str, str] = dataclasses.field(default_factory=dict)
    denylist_entry_bytes: float = 0.0
    server_state: list[ServerState] = dataclasses.field(default_factory=list)
    wire: list[Wire] = dataclasses.field(default_factory=list)
    tokens: TokenSizes = dataclasses.field(default_factory=TokenSizes)
    elapsed: float = 0.0
    phases: dict[str, float] = dataclasses.field(default_factory=dict)  # seconds each phase took

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time a phase of the run into ``phases``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - started

    # --- derived figures ---------------------------------------------------------------

    @property
    def fastest_median(self) -> float:
        return min(summary.median for summary in self.summaries.values())

    @property
    def overhead_share(self) -> float:
        """The measuring loop's cost as a share of the fastest median round trip."""
        return self.overhead / self.fastest_median

    @property
    def overhead_ok(self) -> bool:
        return self.overhead_share < OVERHEAD_LIMIT

    def auth_share(self, step: AuthStep) -> float:
        """The auth step's share of the median round trip of the approach that pays it."""
        return step.per_call / self.summaries[step.approach].median

    def wire_of(self, approach: str) -> Wire:
        return next(wire for wire in self.wire if wire.approach == approach)

    def growth_of(self, store: str) -> Growth:
        return next(growth for growth in self.growth if growth.store == store)

    # --- output ------------------------------------------------------------------------

    def to_json(self) -> dict:
        """Every figure, in plain JSON types; times in ms or µs as the key says, sizes in bytes."""
        return {
            "schema": SCHEMA,
            "config": {**self.config, "percentile": PERCENTILE_DEFINITION, "ci": CI_DEFINITION},
            "latency": [
                {"approach": name, "n": s.n, "median_ms": s.median * 1e3, "p95_ms": s.p95 * 1e3,
                 "p99_ms": s.p99 * 1e3, "ci_low_ms": s.ci_low * 1e3, "ci_high_ms": s.ci_high * 1e3,
                 "min_ms": s.minimum * 1e3, "max_ms": s.maximum * 1e3,
                 "requests_per_s": self.latency[name].requests_per_second}
                for name, s in self.summaries.items()
            ],
            "overhead": {"per_request_us": self.overhead * 1e6, "share_of_fastest_median": self.overhead_share,
                         "limit": OVERHEAD_LIMIT, "ok": self.overhead_ok},
            "auth_step": [
                {"step": step.name, "approach": step.approach, "per_call_us": step.per_call * 1e6,
                 "share_of_round_trip": self.auth_share(step)}
                for step in self.auth_steps
            ],
            "storage": {
                "growth": [{"store": g.store, "users": g.users, "bytes": g.bytes, "bytes_per_session": g.per_session}
                           for g in self.growth],
                "jwt_server_bytes_per_user": 0,
                "denylist_entry_bytes": self.denylist_entry_bytes,
                "server_state": [dataclasses.asdict(state) for state in self.server_state],
                "skipped": self.skipped,
            },
            "wire": [{"approach": w.approach, "credential_headers": w.credential_headers,
                      "credential_bytes": w.credential_bytes, "request_bytes": w.request_bytes} for w in self.wire],
            "token_size": {**dataclasses.asdict(self.tokens), "cookie_limit": COOKIE_LIMIT},
            "elapsed_s": self.elapsed,
            "phases_s": self.phases,
        }

    def summary(self) -> str:
        """The headline figures in a few lines, before the tables' details; says what was not measured."""
        medians = ", ".join(f"{name} {s.median * 1e3:.2f} ms" for name, s in self.summaries.items())
        lines = [f"Round trip, median: {medians}"]
        if self.auth_steps:
            lines.append(f"Auth step alone: at most {max(map(self.auth_share, self.auth_steps)):.1%} of a request")
        if self.growth:
            stores = ", ".join(f"{g.store} {g.per_session[-1]:.0f} B" for g in self.growth)
            lines.append(f"Server storage per session: {stores}; per JWT user: 0 B")
        if self.wire:
            lines.append("On the wire per request: " + ", ".join(f"{w.approach} {w.credential_bytes} B"
                                                                 for w in self.wire))
        lines += [f"Not measured: {store} ({reason})" for store, reason in self.skipped.items()]
        return "\n".join(lines)

    def table(self) -> str:
        """The figures as text tables for a terminal."""
        sections = [self._header(), self._latency_table(), self._auth_table(), self._storage_table(),
                    self._wire_table(), self._token_table()]
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.phases.items())
        return "\n\n".join(sections) + f"\n\nmeasured in {self.elapsed:.1f} s ({phases})"

    def plot(self, directory: str | Path) -> list[Path]:
        """Write the PNG plots into ``directory`` (created if needed); returns their paths."""
        from authlab.compare.plots import write_plots

        return write_plots(self, Path(directory))

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        kind = "quick" if self.config.get("quick") else "full"
        return f"<CompareResult of {', '.join(self.summaries)}: {kind} run, {self.elapsed:.1f} s>"

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython shows the table
        printer.text(repr(self) if cycle else self.table())

    # --- sections ----------------------------------------------------------------------

    def _header(self) -> str:
        c = self.config
        where = {"threads": "threads of this process", "processes": "one process each"}[c["mode"]]
        external = f"; already running: {', '.join(c['external'])}" if c["external"] else ""
        clients = f"{c['concurrency']} client thread{'s' if c['concurrency'] > 1 else ''}"
        return (
            f"authlab compare: sessions vs JWT in a header vs JWT in a cookie{' (quick)' if c['quick'] else ''}\n"
            f"GET {PATH} on 127.0.0.1, servers as {where}{external}, session store: {c['store']}\n"
            f"{c['warmup']} warm-up requests, then {c['rounds']} rounds x {c['per_round']} requests x {clients} "
            f"per approach; the order rotates each round"
        )

    def _latency_table(self) -> str:
        lines = [f"{'Round trip (ms)':16} {'median':>8} {'95% CI of median':>18} {'p95':>8} {'p99':>8} "
                 f"{'req/s':>8} {'n':>6}"]
        for name, s in self.summaries.items():
            ci = f"[{s.ci_low * 1e3:.2f}, {s.ci_high * 1e3:.2f}]"
            lines.append(f"{name:16} {s.median * 1e3:8.2f} {ci:>18} {s.p95 * 1e3:8.2f} {s.p99 * 1e3:8.2f} "
                         f"{self.latency[name].requests_per_second:8.0f} {s.n:6d}")
        verdict = "met" if self.overhead_ok else "NOT met: the figures include the tool's own cost"
        lines.append(f"measuring loop: {self.overhead * 1e6:.2f} µs per request = {self.overhead_share:.3%} of the "
                     f"fastest median (target < {OVERHEAD_LIMIT:.0%}: {verdict})")
        lines.append(f"percentiles: {PERCENTILE_DEFINITION}; CI: {CI_DEFINITION}")
        return "\n".join(lines)

    def _auth_table(self) -> str:
        lines = [f"{'Where the time goes (in-process)':34} {'µs/call':>9}   share of its HTTP round trip"]
        for step in self.auth_steps:
            lines.append(f"{step.name:34} {step.per_call * 1e6:9.1f}   {self.auth_share(step):7.2%} of {step.approach}")
        if self.auth_steps:
            rest = [1 - self.auth_share(step) for step in self.auth_steps]
            lines.append(f"the rest of each round trip, {min(rest):.0%} to {max(rest):.0%}, is HTTP: "
                         f"client, loopback network and the server framework")
        return "\n".join(lines)

    def _storage_table(self) -> str:
        if not self.growth:
            return "Server-side storage: not measured"
        users = self.growth[0].users
        lines = ["Server-side bytes per active session (each store's bytes_used(), divided by users)",
                 f"{'users':16}" + "".join(f"{count:>10,}" for count in users)]
        for growth in self.growth:
            lines.append(f"{growth.store:16}" + "".join(f"{size:10.1f}" for size in growth.per_session))
        lines.append(f"{'JWT':16}" + "".join(f"{0:10d}" for _ in users) + "   (the token carries the data)")
        lines.append(f"revoking a JWT puts state back: {self.denylist_entry_bytes:.0f} bytes per denied token "
                     f"(memory denylist) until it expires")
        lines += [f"{store} not measured: {reason}" for store, reason in self.skipped.items()]
        visible = [state for state in self.server_state if state.logged_in is not None]
        if visible:
            lines.append("running servers, bytes kept while logged in -> after logout: "
                         + "; ".join(f"{s.approach} {s.logged_in} -> {s.after_logout}" for s in visible))
        return "\n".join(lines)

    def _wire_table(self) -> str:
        lines = [f"{'Bytes on the wire per GET ' + PATH:30} {'credential':>10} {'request':>8}   carried in"]
        for wire in self.wire:
            carried = " + ".join(f"{name} {size}" for name, size in wire.credential_headers.items())
            lines.append(f"{wire.approach:30} {wire.credential_bytes:10d} {wire.request_bytes:8d}   {carried}")
        return "\n".join(lines)

    def _token_table(self) -> str:
        t = self.tokens
        rows = [("JWT HS256", t.hs256), ("JWT RS256", t.rs256), ("token cookie (HS256)", t.token_cookie),
                ("session cookie", t.session_cookie), ("session record (server)", t.session_record)]
        lines = ["Sizes in bytes as the token carries more permissions (claims)",
                 f"{'permissions':24}" + "".join(f"{count:>7}" for count in t.claims)]
        lines += [f"{label:24}" + "".join(f"{size:7d}" for size in sizes) for label, sizes in rows]
        over = t.over_cookie_limit()
        lines.append(f"the token cookie passes the {COOKIE_LIMIT}-byte cookie limit at {over[0]} permissions"
                     if over else f"the token cookie stays under the {COOKIE_LIMIT}-byte cookie limit throughout")
        return "\n".join(lines)
