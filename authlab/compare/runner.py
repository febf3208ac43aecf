"""The whole comparison in one call: ``run(quick=True)`` returns a CompareResult."""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
from collections.abc import Iterator, Mapping

from cryptography.hazmat.primitives.asymmetric import rsa

from authlab.compare import storage, timing
from authlab.compare.errors import CompareError
from authlab.compare.progress import bar
from authlab.compare.report import CompareResult, ServerState
from authlab.compare.servers import APPROACHES, MODES, STORES, Target, reference_servers, session_store_url
from authlab.compare.stats import summarize
from authlab.redis_server import RedisUnavailable, start_redis
from authlab.stores import MemoryStore, RedisStore, SessionStore, SQLiteStore
from authlab.tokens import TokenService

MAX_CONCURRENCY = 64


@dataclasses.dataclass(frozen=True)
class Plan:
    """How much to measure. The default run takes well under a minute; QUICK a few seconds."""

    warmup: int = 30  # requests per approach before measuring
    rounds: int = 100
    per_round: int = 10  # requests per client per approach per round
    concurrency: int = 1  # client threads per approach
    resamples: int = 2000  # bootstrap resamples for the CI of the median
    growth_points: tuple[int, ...] = (1, 10, 100, 1_000, 10_000, 100_000)
    lookup_population: int = 1_000  # live sessions in a store while its lookup is timed
    auth_budget: float = 0.25  # seconds per in-process auth step
    claim_counts: tuple[int, ...] = (0, 1, 2, 4, 8, 16, 32, 64, 128, 256)


DEFAULT = Plan()
QUICK = Plan(warmup=5, rounds=30, per_round=3, resamples=1000, growth_points=(1, 10, 100, 1_000),
             lookup_population=20, auth_budget=0.05)


def _check(plan: Plan, mode: str, store: str, urls: Mapping[str, str]) -> None:
    if mode not in MODES:
        raise CompareError(f"unknown mode {mode!r}: choose from {', '.join(MODES)}")
    if store not in STORES:
        raise CompareError(f"unknown store {store!r}: choose from {', '.join(STORES)}")
    if not 1 <= plan.concurrency <= MAX_CONCURRENCY:
        raise CompareError(f"concurrency must be between 1 and {MAX_CONCURRENCY}, got {plan.concurrency}")
    if plan.rounds < 2:
        raise CompareError(f"rounds must be at least 2, got {plan.rounds}")
    for name, url in urls.items():
        if name not in APPROACHES:
            raise CompareError(f"unknown approach {name!r}: choose from {', '.join(APPROACHES)}")
        if not url.startswith(("http://", "https://")):
            raise CompareError(f"{name} URL must start with http:// or https://, got {url!r}")


def run(
    quick: bool = False,
    *,
    mode: str = "threads",
    store: str = "memory",
    concurrency: int | None = None,
    rounds: int | None = None,
    urls: Mapping[str, str] | None = None,
    redis: bool = True,
    seed: int = 0,
    progress: bool = False,
    plan: Plan | None = None,
) -> CompareResult:
    """Measure time and storage of sessions, JWT in a header and JWT in a cookie.

    ``mode`` runs the reference servers as threads here or as one process each; ``store`` is
    the session app's store while timing; ``urls`` maps an approach to a server already
    running (same routes and demo user) instead of starting one. ``redis=False`` leaves Redis
    out of the storage figures. Raises CompareError with a one-line message when it cannot measure.
    """
    plan = plan or (QUICK if quick else DEFAULT)
    plan = dataclasses.replace(plan, concurrency=concurrency or plan.concurrency, rounds=rounds or plan.rounds)
    urls = dict(urls or {})
    _check(plan, mode, store, urls)
    started = time.perf_counter()
    result = CompareResult(
        config={"quick": quick, "mode": mode, "store": store, "seed": seed, "external": sorted(urls),
                **dataclasses.asdict(plan)},
    )
    with result.phase("latency"):
        _measure_http(result, plan, mode, store, urls, progress)
        result.summaries = {name: summarize(run.samples, plan.resamples, seed) for name, run in result.latency.items()}
        result.overhead = timing.harness_overhead()
    with contextlib.ExitStack() as stack:
        redis_url = _redis(stack, redis, result)
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with result.phase("auth step"):
            result.auth_steps = _auth_steps(stack, plan, redis_url, rsa_key, progress)
        with result.phase("storage"):
            result.growth = _growth(plan, redis_url, progress)
            result.denylist_entry_bytes = storage.denylist_entry_bytes()
            result.tokens = storage.token_sizes(plan.claim_counts, rsa_key)
    result.elapsed = time.perf_counter() - started
    return result


def _measure_http(result: CompareResult, plan: Plan, mode: str, store: str, urls: dict[str, str],
                  progress: bool) -> None:
    kinds = [kind for kind in APPROACHES if kind not in urls]
    with session_store_url(store) as store_url, reference_servers(kinds, mode, store_url) as started:
        by_name = {target.name: target for target in started}
        by_name.update({name: Target(name, url.rstrip("/")) for name, url in urls.items()})
        targets = [by_name[name] for name in APPROACHES]
        result.latency, clients = timing.measure_latency(
            targets, warmup=plan.warmup, rounds=plan.rounds, per_round=plan.per_round,
            concurrency=plan.concurrency, progress=progress,
        )
        try:
            result.wire = [storage.wire_bytes(t.name, clients[t.name], t.url + timing.PATH) for t in targets]
            result.server_state = [_server_state(target, clients[target.name]) for target in targets]
        finally:
            for client in clients.values():
                client.close()


def _server_state(target: Target, client) -> ServerState:
    """The app's server-side bytes with the measuring user logged in, then after it logs out."""
    if target.state is None:
        return ServerState(target.name, None, None)
    logged_in = storage.server_bytes(target.state)
    client.post(target.url + "/logout", timeout=timing.REQUEST_TIMEOUT)
    return ServerState(target.name, logged_in, storage.server_bytes(target.state))


def _redis(stack: contextlib.ExitStack, wanted: bool, result: CompareResult) -> str | None:
    if not wanted:
        result.skipped["redis"] = "left out (--no-redis)"
        return None
    try:
        return stack.enter_context(start_redis()).url
    except RedisUnavailable as error:
        result.skipped["redis"] = str(error)
        return None


@contextlib.contextmanager
def _fresh_stores(redis_url: str | None, sqlite_path: str) -> Iterator[list[SessionStore]]:
    """Empty stores of each kind, emptied again afterwards. Redis keys get the store's default
    prefix, as a deployment's would: the key length is part of what Redis keeps per session."""
    stores: list[SessionStore] = [MemoryStore(), SQLiteStore(sqlite_path)]
    if redis_url:
        stores.append(RedisStore(redis_url))  # our own throwaway server: nothing else lives there
    try:
        yield stores
    finally:
        for made in stores:
            made.clear()
            made.close()


def _auth_steps(stack, plan: Plan, redis_url: str | None, rsa_key, progress: bool) -> list[timing.AuthStep]:
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="authlab-compare-"))
    steps = []
    # SQLite in a file, as servers sharing it would use it
    with _fresh_stores(redis_url, f"{folder}/lookup.db") as stores, \
            bar(len(stores) + 2, "auth step", progress) as progress_bar:
        for made in stores:
            steps.append(timing.session_lookup_step(made, plan.lookup_population, plan.auth_budget))
            progress_bar.update()
        for tokens in (TokenService(), TokenService(rsa_key)):
            steps.append(timing.verify_step(tokens, plan.auth_budget))
            progress_bar.update()
    return steps


def _growth(plan: Plan, redis_url: str | None, progress: bool) -> list[storage.Growth]:
    # SQLite in memory: the same table and encoding as on disk (bytes_used counts rows, not pages),
    # without one disk sync per inserted session.
    with _fresh_stores(redis_url, ":memory:") as stores:
        return [storage.store_growth(made, plan.growth_points, progress=progress) for made in stores]
