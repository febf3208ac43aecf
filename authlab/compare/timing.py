"""Time authenticated requests over HTTP, and the authentication step alone in-process.

HTTP: each client logs in once, warms up, then the approaches take turns in rounds
(A B C, B C A, C A B, …): machine drift (another program, CPU frequency, a GC pause) hits
all of them alike, and the rotation keeps any approach from always going first. Each turn
is a burst of ``per_round`` requests per client thread; the bursts' wall time gives the
throughput. Only ``time.perf_counter`` (monotonic, highest resolution) is used.

In-process: the part of a request that differs between the approaches (a session store
lookup, an HMAC or RSA signature check) timed on its own, ``timeit``-style: calibrate a
loop count, repeat, keep the fastest repeat (the one least disturbed by other work).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import time
import timeit
from collections.abc import Callable, Sequence

import requests

from authlab.compare.errors import CompareError
from authlab.compare.progress import bar
from authlab.compare.servers import Target
from authlab.stores import SessionStore, new_session_id
from authlab.tokens import TokenService

PATH = "/profile"
REQUEST_TIMEOUT = 10.0
OK = 200


@dataclasses.dataclass
class LatencyRun:
    """The round trips measured for one approach, in seconds, in the order they were taken."""

    name: str
    samples: list[float] = dataclasses.field(default_factory=list)
    busy: float = 0.0  # wall-clock seconds the measured bursts took

    @property
    def requests_per_second(self) -> float:
        return len(self.samples) / self.busy if self.busy else 0.0


class _Refused(Exception):
    def __init__(self, status: int):
        self.status = status


def _burst(send: Callable[[], requests.Response], count: int, out: list[float]) -> None:
    """The measuring loop: ``count`` requests, one sample each. Kept tiny on purpose."""
    clock = time.perf_counter
    append = out.append
    for _ in range(count):
        started = clock()
        response = send()
        append(clock() - started)
        if response.status_code != OK:
            raise _Refused(response.status_code)


class _NoResponse:
    status_code = OK


_NO_RESPONSE = _NoResponse()


def _no_request() -> _NoResponse:
    return _NO_RESPONSE


def harness_overhead(count: int = 5000, repeat: int = 5) -> float:
    """Seconds per request the measuring loop itself costs: the same loop around a request that does nothing."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        _burst(_no_request, count, [])
        best = min(best, time.perf_counter() - started)
    return best / count


def connect(target: Target) -> requests.Session:
    """A requests.Session logged in to ``target``; CompareError in one line when that fails."""
    client = requests.Session()
    try:
        response = target.login(client, target.url)
    except requests.ConnectionError:
        raise CompareError(f"{target.name}: nothing answers at {target.url} (is the server running?)") from None
    except requests.RequestException as error:
        raise CompareError(f"{target.name}: login at {target.url} failed: {type(error).__name__}") from None
    if not response.ok:
        raise CompareError(f"{target.name}: login at {target.url}/login refused with {response.status_code}; "
                           f"does it accept the course's demo user alice?")
    return client


def _clone(client: requests.Session) -> requests.Session:
    """Another connection with the same credential (a second tab of the same user)."""
    copy = requests.Session()
    copy.headers.update(client.headers)
    copy.cookies.update(client.cookies)
    return copy


def _sender(client: requests.Session, url: str) -> Callable[[], requests.Response]:
    def send() -> requests.Response:
        return client.get(url, timeout=REQUEST_TIMEOUT)

    return send


def measure_latency(
    targets: Sequence[Target],
    *,
    warmup: int = 20,
    rounds: int = 50,
    per_round: int = 5,
    concurrency: int = 1,
    progress: bool = False,
) -> tuple[dict[str, LatencyRun], dict[str, requests.Session]]:
    """Measure ``GET /profile`` on every target in rotating rounds.

    Returns the runs by target name, and each target's logged-in client (still open, for
    the caller to inspect and close).
    """
    if concurrency < 1 or rounds < 1 or per_round < 1 or warmup < 0:
        raise CompareError("concurrency, rounds and requests per round must be at least 1, warm-up at least 0")
    clients: dict[str, requests.Session] = {}
    copies: list[requests.Session] = []
    pool = concurrent.futures.ThreadPoolExecutor(concurrency, "authlab-compare-client") if concurrency > 1 else None
    try:
        senders = {}
        for target in targets:
            clients[target.name] = connect(target)
            extra = [_clone(clients[target.name]) for _ in range(concurrency - 1)]
            copies += extra
            senders[target.name] = [_sender(client, target.url + PATH) for client in [clients[target.name], *extra]]
        runs = {target.name: LatencyRun(target.name) for target in targets}
        with bar(len(targets) * (1 + rounds), "latency", progress) as progress_bar:
            for target in targets:
                _run_burst(pool, target, senders[target.name], warmup, [])
                progress_bar.update()
            for round_number in range(rounds):
                shift = round_number % len(targets)
                for target in [*targets[shift:], *targets[:shift]]:
                    run = runs[target.name]
                    run.busy += _run_burst(pool, target, senders[target.name], per_round, run.samples)
                progress_bar.update(len(targets))
    except BaseException:
        for client in clients.values():
            client.close()
        raise
    finally:
        if pool is not None:
            pool.shutdown()
        for client in copies:
            client.close()
    return runs, clients


def _run_burst(pool, target: Target, senders, count: int, samples: list[float]) -> float:
    """One turn of ``target``: ``count`` requests on each of its clients; returns the wall time."""
    outs = [[] for _ in senders]
    started = time.perf_counter()
    try:
        if pool is None:
            _burst(senders[0], count, outs[0])
        else:
            for future in [pool.submit(_burst, send, count, out) for send, out in zip(senders, outs, strict=True)]:
                future.result()
    except _Refused as refused:
        raise CompareError(f"{target.name}: GET {PATH} answered {refused.status} instead of 200 "
                           f"(did the login expire or the server restart?)") from None
    except requests.Timeout:
        raise CompareError(f"{target.name}: no answer from {target.url} within {REQUEST_TIMEOUT:.0f} s") from None
    except requests.RequestException as error:
        raise CompareError(f"{target.name}: {target.url} stopped answering ({type(error).__name__})") from None
    elapsed = time.perf_counter() - started
    for out in outs:
        samples.extend(out)
    return elapsed


# --- the authentication step alone ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AuthStep:
    """The per-request authentication work of one approach, timed in-process."""

    name: str
    approach: str  # which HTTP approach pays it: "session" or "jwt-header"
    per_call: float  # seconds


def per_call(function: Callable[[], object], budget: float = 0.2, loop: float = 0.5e-3) -> float:
    """Seconds per call of ``function``: the fastest of many short timed loops, ``budget`` seconds in all.

    Short loops (``loop`` seconds each) rather than a few long ones: on a busy machine some of
    them run undisturbed, and the fastest is the cost of the code itself (timeit's advice: take
    the minimum, the rest is noise from other work).
    """
    timer = timeit.Timer(function)
    number = 1
    while True:  # calibrate like timeit's autorange: calls per loop so that one loop lasts ``loop``
        elapsed = timer.timeit(number)
        if elapsed >= loop or number >= 1_000_000:
            break
        number *= 2
    repeat = max(3, min(10_000, int(budget / elapsed)))
    return min(elapsed, *timer.repeat(repeat, number)) / number


def session_lookup_step(store: SessionStore, population: int, budget: float) -> AuthStep:
    """``store.load`` of one session among ``population`` live ones, as the session app does per request."""
    now = time.time()
    sids = [new_session_id() for _ in range(population)]
    for number, sid in enumerate(sids):
        store.save(sid, {"user": f"user{number:06d}", "created": now, "seen": now}, ttl=1800)
    wanted = sids[len(sids) // 2]
    if store.load(wanted) is None:
        raise CompareError(f"the {store.kind} store lost a session it was just given")
    return AuthStep(f"session lookup ({store.kind})", "session", per_call(lambda: store.load(wanted), budget))


def verify_step(tokens: TokenService, budget: float) -> AuthStep:
    """``TokenService.verify`` of a valid token: signature, algorithm pin, exp, iss, aud, required claims."""
    token = tokens.issue("alice")
    tokens.verify(token)
    return AuthStep(f"JWT verify {tokens.algorithm}", "jwt-header", per_call(lambda: tokens.verify(token), budget))
