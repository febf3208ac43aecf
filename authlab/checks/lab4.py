"""Checks of lab 4, the comparison tool: each runs your measuring code against servers the check controls.

Your notebook defines ``median(samples)`` and ``percentile(samples, q)`` (linear interpolation
between closest ranks), ``measure(senders, rounds, warmup)`` (round-trip seconds per approach:
warm-up first, then interleaved rounds timed with a monotonic clock),
``credential_bytes(client, url)`` (the ``Cookie`` and ``Authorization`` lines of the prepared
request), ``server_bytes_per_session(store, record, sessions)`` (what one session adds to a
store) and ``main(argv)`` (the command line that calls them and prints ``table(rows)``).

The checks know what the right figures are: their servers wait a known time before answering,
count the requests they get, issue credentials of random known sizes, and their store counts
what was saved. Printing plausible numbers does not pass.
"""

from __future__ import annotations

import contextlib
import io
import math
import random
import secrets
import time
from collections.abc import Callable, Iterator

import requests

from authlab.checks import _lab4_servers as _servers
from authlab.checks._core import call_student, check, fail, ok
from authlab.checks.kernel_side import in_kernel
from authlab.stores import SessionStore

LAB = "lab4"
APPROACHES = _servers.APPROACHES
TIME_TIME_STEP = 2.0**-22  # seconds between neighbouring floats near today's time.time() (2**30 < now < 2**31)
FINGERPRINT_SAMPLES = 10  # samples that must all carry a wall clock's step


# --- reference figures -------------------------------------------------------------------


def _percentile(samples: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), the lab's stated definition."""
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def _median(samples: list[float]) -> float:
    return _percentile(samples, 50)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


# --- statistics ---------------------------------------------------------------------------


def _expect(function: Callable, call: str, args: tuple, expected: float, hint: str) -> None:
    got = call_student(function, *args, what=call)
    if not _is_number(got) or not math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9):
        fail(f"{call} returned {got!r}, expected {expected!r}", hint)


def _refuses_no_samples(function: Callable, call: str, *args) -> None:
    try:
        got = function([], *args)
    except ValueError:
        return
    except Exception as error:
        fail(f"{call} raised {type(error).__name__}", "raise ValueError('no samples') when the list is empty")
    fail(f"{call} returned {got!r}", "there is no median of nothing: raise ValueError('no samples')")


@check(LAB, points=3)
def check_statistics(median: Callable, percentile: Callable) -> None:
    """median and percentile follow the lab's definition on fixed data: odd, even, unsorted, one sample."""
    _expect(median, "median([5.0, 1.0, 3.0])", ([5.0, 1.0, 3.0],), 3.0,
            "sort the samples first, with sorted(samples), then take the middle one")
    _expect(median, "median([4.0, 1.0, 3.0, 2.0])", ([4.0, 1.0, 3.0, 2.0],), 2.5,
            "with an even count the median is the mean of the two middle values, as the definition gives")
    _expect(median, "median([7.5])", ([7.5],), 7.5, "a single sample is its own median")
    ok("median: odd and even counts, unsorted input, a single sample")
    twenty = [float(n) for n in range(1, 21)]
    random.Random(4).shuffle(twenty)
    _expect(percentile, "percentile(<1.0 to 20.0, shuffled>, 95)", (list(twenty), 95), 19.05,
            "rank = (n - 1) * q / 100 = 18.05 here: ordered[18] + 0.05 * (ordered[19] - ordered[18])")
    ten = [1.0] * 9 + [50.0]
    _expect(percentile, "percentile([1.0] * 9 + [50.0], 95)", (list(ten), 95), 27.95,
            "interpolate between the two closest ranks: 1.0 + 0.55 * (50.0 - 1.0)")
    ok("p95 by linear interpolation: 19.05 for 1..20, 27.95 for nine 1s and a 50")
    _expect(percentile, "percentile(<1.0 to 20.0, shuffled>, 0)", (list(twenty), 0), 1.0,
            "q = 0 has rank 0: the smallest sample")
    _expect(percentile, "percentile(<1.0 to 20.0, shuffled>, 100)", (list(twenty), 100), 20.0,
            "q = 100 has rank n - 1, the largest sample: never read past the end of the list")
    _expect(percentile, "percentile([7.5], 95)", ([7.5], 95), 7.5, "with one sample every percentile is that sample")
    ok("p0 is the minimum, p100 the maximum, and one sample is every percentile")
    given = list(twenty)
    call_student(percentile, given, 95, what="percentile(samples, 95)")
    call_student(median, given, what="median(samples)")
    if given != twenty:
        fail("median() or percentile() reordered the list it was given",
             "use sorted(samples), which returns a new list: the caller's samples stay in the order they were taken")
    ok("the samples you are given stay as they were")
    _refuses_no_samples(median, "median([])")
    _refuses_no_samples(percentile, "percentile([], 95)", 95)
    ok("no samples: ValueError")


@check(LAB, points=0)
def check_statistics_random(median: Callable, percentile: Callable) -> None:
    """Random samples of odd and even size: median and percentiles agree with the definition."""
    generator = random.Random(secrets.randbits(32))
    for size in (101, 200):
        samples = [generator.lognormvariate(0, 1) for _ in range(size)]
        _expect(median, f"median(<{size} random samples>)", (list(samples),), _median(samples),
                "median(samples) must equal percentile(samples, 50) by the lab's definition")
        for q in (1, 10, 25, 75, 90, 95, 99):
            _expect(percentile, f"percentile(<{size} random samples>, {q})", (list(samples), q),
                    _percentile(samples, q), "follow the definition above: rank = (n - 1) * q / 100, interpolated")
    ok("random samples of 101 and 200 values: median and percentiles agree with the definition")


# --- the timing loop ------------------------------------------------------------------------


def _measured(measure: Callable, senders: dict, rounds: int, warmup: int) -> dict[str, list[float]]:
    """Run the learner's measure() and require {approach: [numbers]} for exactly the approaches given."""
    call = f"measure(senders, {rounds}, {warmup})"
    result = call_student(measure, senders, rounds, warmup, what=call)
    if not isinstance(result, dict) or set(result) != set(senders):
        shown = sorted(result) if isinstance(result, dict) else type(result).__name__
        fail(f"{call} returned {shown}, not one list per approach {sorted(senders)}",
             "return {approach: [seconds, ...]} with a key for every approach in senders")
    for name, values in result.items():
        if not isinstance(values, list) or not values or not all(_is_number(value) for value in values):
            fail(f"{call} returned {str(values)[:60]} for {name!r}",
                 "each approach needs a list of round trips in seconds, e.g. [0.0012, 0.0011, ...]")
    return result


TIMING_DELAYS = {"delay-20ms": 0.020, "delay-10ms": 0.010, "delay-0ms": 0.0}


@check(LAB, points=3)
def check_timing(measure: Callable) -> None:
    """Against servers that wait 20, 10 and 0 ms, the medians differ by those delays, in seconds."""
    with _servers.delay_servers(TIMING_DELAYS) as (senders, _):
        samples = _measured(measure, senders, 12, 1)
    medians = {name: _median(values) for name, values in samples.items()}
    slow, middle, fast = (medians[name] for name in TIMING_DELAYS)
    shown = ", ".join(f"{name} {value:.4g}" for name, value in medians.items())
    if slow > 1:
        fail(f"the medians of your samples are {shown}: the server that waits 20 ms got {slow:.4g}",
             "return seconds (perf_counter() differences), not milliseconds or nanoseconds")
    if slow - fast < 0.014:
        fail(f"the server that waits 20 ms got a median only {1000 * (slow - fast):.1f} ms above the one that "
             f"does not wait ({shown} s)",
             "time the whole request: started = time.perf_counter(); send(); elapsed = time.perf_counter() - started "
             "(process_time counts CPU work only, not waiting)")
    if middle - fast < 0.005 or slow - middle < 0.005:
        fail(f"the medians ({shown} s) are not in the order of the servers' delays (20, 10, 0 ms)",
             "append each sample to the list of the approach whose sender you called")
    ok(f"median round trips {1000 * slow:.1f}, {1000 * middle:.1f} and {1000 * fast:.1f} ms for servers that wait "
       "20, 10 and 0 ms: the delays show, in seconds as asked")


@check(LAB, points=1)
def check_warmup(measure: Callable) -> None:
    """Every approach gets `warmup` untimed requests before the first round; only the rounds are samples."""
    rounds, warmup = 6, 3
    with _servers.delay_servers(dict.fromkeys(APPROACHES, 0.0)) as (senders, order):
        samples = _measured(measure, senders, rounds, warmup)
    counts = {name: order.count(name) for name in APPROACHES}
    if counts == dict.fromkeys(APPROACHES, rounds):
        fail(f"with rounds={rounds} and warmup={warmup} each server got only {rounds} requests: no warm-up",
             "first send `warmup` untimed requests to every approach (connections, caches and code paths warm up)")
    if counts != dict.fromkeys(APPROACHES, rounds + warmup):
        fail(f"with rounds={rounds} and warmup={warmup} the servers got {counts} requests",
             "send each approach `warmup` untimed requests, then one timed request per round")
    first = order[: warmup * len(APPROACHES)]
    if any(first.count(name) != warmup for name in APPROACHES):
        fail(f"the first {len(first)} requests went to {first}, not {warmup} to each approach",
             "warm up every approach before the first measured round")
    ok(f"each server got {warmup} warm-up requests before the rounds began")
    sizes = {name: len(values) for name, values in samples.items()}
    if sizes != dict.fromkeys(APPROACHES, rounds):
        fail(f"with rounds={rounds} and warmup={warmup} measure() returned {sizes} samples",
             f"keep the warm-up requests out of the samples: exactly one sample per round ({rounds})")
    ok(f"the warm-up requests are not among the samples ({rounds} per approach, one per round)")


@check(LAB, points=2)
def check_interleaved(measure: Callable) -> None:
    """The approaches take turns within every round, and the one that goes first rotates."""
    rounds, warmup = 6, 1
    with _servers.delay_servers(dict.fromkeys(APPROACHES, 0.0)) as (senders, order):
        _measured(measure, senders, rounds, warmup)
    turns = len(APPROACHES)
    measured = order[-rounds * turns:]
    for number in range(rounds):
        chunk = measured[number * turns:(number + 1) * turns]
        if sorted(chunk) != sorted(APPROACHES):
            fail(f"measured requests {number * turns + 1} to {(number + 1) * turns} went to {chunk}",
                 "in every round each approach takes exactly one turn, so drift in the machine hits all alike")
    ok(f"in each of the {rounds} rounds every approach took one turn")
    firsts = [measured[number * turns] for number in range(rounds)]
    share = {name: firsts.count(name) for name in APPROACHES}
    if set(share.values()) != {rounds // turns}:
        fail(f"over {rounds} rounds the approach that went first was {firsts}",
             "rotate the order: round r starts with approach r % 3 (A B C, B C A, C A B, ...)")
    ok(f"the approach that goes first rotates: each went first {rounds // turns} times in {rounds} rounds")


def _from_time_time(samples: list[float]) -> bool:
    """Are all samples exact multiples of time.time()'s step? Differences of perf_counter() readings are not."""
    return all(value > 0 and (value / TIME_TIME_STEP).is_integer() for value in samples)


def _from_datetime(samples: list[float]) -> bool:
    """Are all samples whole microseconds, as (datetime.now() - started).total_seconds() gives?

    Measured on 200 000 short intervals: no difference of perf_counter() readings was one, and one
    in 30 000 of (perf_counter_ns() differences) / 1e9; FINGERPRINT_SAMPLES of them in a row by
    chance, never. Where perf_counter() itself ticks in microseconds or coarser the fingerprint says
    nothing and is not used. Samples rounded to 6 decimals or fewer carry it too: the lab says not to.
    """
    fine = time.get_clock_info("perf_counter").resolution < 1e-6
    return fine and len(samples) >= FINGERPRINT_SAMPLES and \
        all(value > 0 and round(value * 1e6) / 1e6 == value for value in samples)


@check(LAB, points=2)
def check_monotonic_clock(measure: Callable) -> None:
    """The samples are right even while the wall clock jumps: measure() uses a monotonic clock."""
    with _servers.delay_servers(dict.fromkeys(APPROACHES, 0.0)) as (senders, _):
        with in_kernel("wall_clock_turned_back", measure):
            samples = _measured(measure, senders, 5, 1)
    values = [value for values in samples.values() for value in values]
    bad = [value for value in values if not value > 0]
    if bad:
        fail(f"while the check turned the wall clock back an hour at every reading (time.time, time.time_ns and "
             f"datetime.now, also where measure() keeps them in a default argument, a closure or a dict), "
             f"{len(bad)} of your samples came out zero or negative (e.g. {bad[0]!r:.10})",
             "time with time.perf_counter(): a monotonic clock never goes back (time.time() and datetime.now() do)")
    for fingerprint, step in ((_from_time_time, "exact multiples of 2**-22 s, the step between time.time() "
                               "readings today"), (_from_datetime, "whole microseconds, the step of datetime.now()")):
        if fingerprint(values):
            fail(f"all {len(values)} samples are {step}: measure() reads the wall clock through a reference the "
                 "check could not reach", "time with time.perf_counter(), a monotonic clock with nanosecond steps, "
                 "and return the differences as they are, unrounded")
    ok("with the wall clock jumping back an hour at every reading, every round trip stayed positive, and no "
       "sample has the fingerprint of time.time() or datetime.now(): measure() uses a monotonic clock")


# --- storage --------------------------------------------------------------------------------


@check(LAB, points=2)
def check_wire_bytes(credential_bytes: Callable) -> None:
    """The bytes of the Cookie and Authorization lines each client would send, cookies from the jar included."""
    with _servers.credential_servers() as (urls, expected, _):
        cases = {"no credential": (requests.Session(), urls["session"], 0)}
        for kind in APPROACHES:
            client = _servers.logged_in(urls[kind])
            if kind == "jwt-cookie":  # as authlab.apps.login leaves it: the CSRF header is no credential
                client.headers["X-CSRF-Token"] = client.cookies["csrf_token"]
                client.cookies.set("tracking", secrets.token_hex(40), domain="ads.example.net")
            cases[f"the {kind} login"] = (client, urls[kind], expected[kind])
        try:
            for label, (client, url, size) in cases.items():
                got = call_student(credential_bytes, client, url + "/profile", what="credential_bytes(client, url)")
                if got != size:
                    fail(f"credential_bytes(client, url) returned {got!r} for a client with {label}; "
                         f"its request carries {size} bytes of Cookie and Authorization lines", _wire_hint(label, got))
                ok(f"a client with {label}: {size} bytes of credential per request")
        finally:
            for client, _, _ in cases.values():
                client.close()


def _wire_hint(label: str, got: object) -> str:
    if got == 0:
        return ("cookies live in client.cookies, not in client.headers: read the headers of "
                "client.prepare_request(requests.Request('GET', url)), which has both")
    if label == "the jwt-cookie login":
        return ("count only what the prepared request sends to this URL (not cookies for other sites), "
                "and only the Cookie and Authorization lines (not X-CSRF-Token)")
    return ("count only the Cookie and Authorization lines of client.prepare_request(requests.Request('GET', url)), "
            "each as len(f'{name}: {value}\\r\\n'): name, colon, space, value and CRLF")


@check(LAB, points=2)
def check_server_bytes(server_bytes_per_session: Callable) -> None:
    """What `sessions` new records add to a store that already holds others, per session."""
    sessions = 30
    extra = "r" * random.Random(secrets.randbits(32)).randint(20, 200)

    def record(number: int) -> dict:
        return {"user": f"user{number:06d}", "created": 1.7e9 + number, "seen": 1.7e9 + number, "roles": extra}

    store = _servers.CountingStore()
    before = store.bytes_used()
    got = call_student(server_bytes_per_session, store, record, sessions,
                       what=f"server_bytes_per_session(store, record, {sessions})")
    keys = [key for key, _, _ in store.saves]
    if len(keys) != sessions:
        fail(f"server_bytes_per_session(store, record, {sessions}) saved {len(keys)} sessions",
             "save exactly `sessions` records: store.save(new_session_id(), record(number), ttl=SESSION_TTL)")
    if len(set(keys)) != sessions:
        fail(f"the {sessions} sessions were saved under only {len(set(keys))} distinct key(s), so they overwrote "
             "each other",
             "give every session its own key: new_session_id()")
    short = [key for key in keys if not isinstance(key, str) or len(key) < 32]
    if short:
        fail(f"sessions were saved under keys such as {short[0]!r}, shorter than a real session ID",
             "use new_session_id() for the keys, as the session app does: the key is part of what the store keeps")
    wanted = sorted(repr(record(number)) for number in range(sessions))
    if sorted(repr(data) for _, data, _ in store.saves) != wanted:
        fail("the records saved are not record(0) ... record(sessions - 1)", "save record(number) for each number")
    if not all(key in store for key in store.existing):
        fail("the sessions already in the store were removed", "only add sessions; never clear the store you measure")
    ok(f"{sessions} sessions saved under {sessions} different session IDs, the existing ones kept")
    growth = (store.bytes_used() - before) / sessions
    if not _is_number(got) or not math.isclose(got, growth, rel_tol=1e-9):
        hint = ("measure store.bytes_used() before and after adding: the store already held other sessions"
                if _is_number(got) and math.isclose(got, store.bytes_used() / store.count(), rel_tol=1e-9)
                else "return (bytes_used() after - bytes_used() before) / sessions")
        fail(f"server_bytes_per_session returned {got!r}; the store grew by {growth:.2f} bytes per session", hint)
    ok(f"each session added {growth:.1f} bytes to the store, as you reported")


# --- the command line ------------------------------------------------------------------------


class _Spies:
    """Stand-ins for the learner's measuring functions while main() runs: known answers, recorded calls."""

    def __init__(self, namespace: dict, hits: dict[str, list[bool]], rounds: int, warmup: int):
        self.hits, self.rounds, self.warmup = hits, rounds, warmup
        self.table = namespace.get("table")
        generator = random.Random(secrets.randbits(32))
        self.samples = {kind: [generator.uniform(0.0005, 0.05) for _ in range(rounds)] for kind in APPROACHES}
        self.server_bytes = round(generator.uniform(90, 250), 2)
        self.rows: list | None = None
        self.printed: str | None = None
        self.problem: tuple[str, str] | None = None
        self.measured = False

    def fail(self, problem: str, hint: str) -> None:
        self.problem = self.problem or (problem, hint)
        fail(problem, hint)

    def functions(self) -> dict[str, Callable]:
        return {"measure": self.measure, "median": _median, "percentile": _percentile,
                "credential_bytes": self.credential_bytes, "server_bytes_per_session": self.server_bytes_per_session,
                "table": self.print_table}

    def measure(self, senders, rounds=30, warmup=5):
        if not isinstance(senders, dict) or sorted(senders) != sorted(APPROACHES):
            shown = sorted(senders) if isinstance(senders, dict) else type(senders).__name__
            self.fail(f"main() passed measure() the senders {shown}",
                      f"pass a dict with one sender per approach: {', '.join(APPROACHES)}")
        for kind, send in senders.items():
            before = {name: len(self.hits.get(name, [])) for name in APPROACHES}
            call_student(send, what=f"the sender for {kind!r}")
            reached = [name for name in APPROACHES if len(self.hits.get(name, [])) > before[name]]
            if reached != [kind]:
                self.fail(f"the sender for {kind!r} reached the server(s) {reached or 'none'}",
                          "build each sender with a function call, e.g. profile_request(client, url): "
                          "a lambda in a loop sees the loop variable's last value")
            if not self.hits[kind][-1]:
                self.fail(f"the sender for {kind!r} got 401 from its server",
                          "send GET /profile with the client that connect(url) logged in")
        if (rounds, warmup) != (self.rounds, self.warmup):
            self.fail(f"main() called measure() with rounds={rounds}, warmup={warmup} although the command line said "
                      f"--rounds {self.rounds} --warmup {self.warmup}", "pass args.rounds and args.warmup")
        self.measured = True
        return {kind: list(values) for kind, values in self.samples.items()}

    def credential_bytes(self, client, url):
        if not isinstance(client, requests.Session) or not isinstance(url, str):
            self.fail("main() called credential_bytes() without a client and a URL",
                      "call credential_bytes(client, url) with the client connect(url) returned")
        return _servers.credential_bytes(client, url)

    def server_bytes_per_session(self, store, record=None, sessions=100):
        if not isinstance(store, SessionStore):
            self.fail(f"main() called server_bytes_per_session() with {type(store).__name__}, not a store",
                      "measure a MemoryStore(), as the session app keeps its sessions in one")
        return self.server_bytes

    def print_table(self, rows):
        self.rows = rows
        text = self.table(rows)
        self.printed = text
        return text


@contextlib.contextmanager
def _spying(namespace: dict, spies: _Spies) -> Iterator[None]:
    replaced = spies.functions()
    missing = [name for name in replaced if name not in namespace]
    if missing:
        fail(f"the notebook defines no {', '.join(missing)}", "run the cells above, from the top")
    saved = {name: namespace[name] for name in replaced}
    namespace.update(replaced)
    try:
        yield
    finally:
        namespace.update(saved)


def _run_main(main: Callable, argv: list[str]) -> tuple[object, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = call_student(main, argv, what="main(argv)")
        except SystemExit as exit:
            reason = (err.getvalue().strip().splitlines() or ["no message"])[-1]
            fail(f"main(argv) exited with status {exit.code} ({reason})",
                 "define the options --session, --jwt-header, --jwt-cookie, --rounds and --warmup with argparse")
    return status, out.getvalue()


def _check_rows(spies: _Spies, expected: dict[str, int]) -> None:
    rows = spies.rows
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows) \
            or sorted(str(row.get("approach")) for row in rows) != sorted(APPROACHES):
        fail(f"main() passed table() {str(rows)[:80]}", "pass a list of three dicts, one per approach")
    for row in rows:
        kind, samples = row["approach"], spies.samples[row["approach"]]
        for column, statistic, seconds in (("median_ms", "median(samples)", _median(samples)),
                                           ("p95_ms", "percentile(samples, 95)", _percentile(samples, 95))):
            value = row.get(column)
            if _is_number(value) and math.isclose(value, 1000 * seconds, rel_tol=1e-6):
                continue
            in_seconds = _is_number(value) and math.isclose(value, seconds, rel_tol=1e-6)
            fail(f"the {kind} row has {column}={value!r}, but the samples measure() returned give "
                 f"{1000 * seconds:.3f} ms",
                 "measure() returns seconds and the column is milliseconds: multiply by 1000" if in_seconds
                 else f"use {statistic} of that approach's samples, times 1000")
        if row.get("credential_bytes") != expected[kind]:
            fail(f"the {kind} row has credential_bytes={row.get('credential_bytes')!r}; its client sends "
                 f"{expected[kind]}", "call credential_bytes(client, url) with that approach's logged-in client")
        server = spies.server_bytes if kind == "session" else 0
        if not _is_number(row.get("server_bytes")) or not math.isclose(row["server_bytes"], server, abs_tol=1e-9):
            fail(f"the {kind} row has server_bytes={row.get('server_bytes')!r}, expected {server}",
                 "server_bytes_per_session(MemoryStore(), session_record) for session; 0 for the JWT approaches")


@check(LAB, points=2)
def check_cli(main: Callable, namespace: dict) -> None:
    """main(argv) parses its options, logs in to each server, measures and prints the table of its figures."""
    rounds, warmup = 7, 2
    with _servers.credential_servers() as (urls, expected, hits):
        spies = _Spies(namespace, hits, rounds, warmup)
        argv = [*(part for kind in APPROACHES for part in (f"--{kind}", urls[kind])),
                "--rounds", str(rounds), "--warmup", str(warmup)]
        with _spying(namespace, spies):
            try:
                status, printed = _run_main(main, argv)
            except AssertionError:
                if spies.problem:  # main() caught the first problem and failed later: report the first
                    fail(*spies.problem)
                raise
        if spies.problem:  # main() caught it and went on
            fail(*spies.problem)
    if not spies.measured:
        fail("main() never called measure()", "pass it one sender per approach: measure(senders, rounds, warmup)")
    ok(f"main() logged in to all three servers and called measure() with --rounds {rounds} --warmup {warmup}")
    if spies.rows is None:
        fail("main() never called table(rows)", "build one row per approach and print(table(rows))")
    _check_rows(spies, expected)
    ok("every row holds median and p95 in ms, credential bytes and server bytes of the figures measured")
    if spies.printed not in printed:
        fail("main() built the table but did not print it", "print(table(rows))")
    if status != 0:
        fail(f"main() returned {status!r}", "return 0 after printing the table: it is the command's exit status")
    ok("main() printed the table and returned 0")


CHECKS = [
    check_statistics,
    check_timing,
    check_warmup,
    check_interleaved,
    check_monotonic_clock,
    check_wire_bytes,
    check_server_bytes,
    check_cli,
]
