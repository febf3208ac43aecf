"""What a check must do inside the student's kernel, wherever it runs: turn back the clock, fork a twin of the app.

``with in_kernel("wall_clock_turned_back", measure):`` runs the helper in the process that
owns ``measure`` (an app, a function, a namespace): in this process for the kernel's own
objects, in the kernel across the channel when they are remote (the checker runs outside).
The helpers only change what the student's code sees, or report plain data from it; the
verdict is still the checker's.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import secrets
import threading
import time
import uuid
from collections.abc import Iterator
from http.cookies import CookieError, SimpleCookie

from authlab.checks import _clocks, _forks
from authlab.checks.channel import Remote, RemoteMapping

WALL_CLOCK_STEP = 3600.0  # seconds the wall clock goes back at every reading
TWIN_TIMEOUT = 5.0  # seconds a forked twin's login may take


class _TurnedBack:
    """A wall clock reading that goes back an hour every time, as after an NTP step or a manual change."""

    def __init__(self):
        self._readings = 0
        self._lock = threading.Lock()
        self._real = time.time

    def __call__(self) -> float:
        with self._lock:
            self._readings += 1
            return self._real() - WALL_CLOCK_STEP * self._readings


@contextlib.contextmanager
def _wall_clock_turned_back(function) -> Iterator[None]:
    """time.time, time.time_ns and datetime's now() go back an hour at every reading, for ``function``'s code.

    Also where that code keeps them in a default argument, a closure or a module name (``_clocks``).
    """
    with _clocks.wall_clock_moved(_clocks.WallClock(_TurnedBack()), [function]):
        yield


@contextlib.contextmanager
def _twin_logins(app, register, user: list[str], cookie: str, seed: int, frozen: float,
                 logins: int) -> Iterator[dict]:
    """Log ``user`` in ``logins`` times to a forked copy of this process, `random` seeded, the wall clock stopped.

    The copy serves ``app`` on its own loopback and logs in to itself, so it works inside a
    sandbox as well; it yields plain data: ``{"logins": [[status, value of the cookie or
    None], ...]}``, or ``{"problem": why the copy could not answer}``.
    """
    import requests

    import authlab

    def work() -> list[list]:
        random.seed(seed)
        uuid._generate_time_safe = None  # uuid1() from time.time_ns() and random, both fixed here
        functions = [register, *getattr(app, "view_functions", {}).values()]
        with _clocks.wall_clock_moved(_clocks.WallClock(lambda: frozen), functions):
            server = authlab.serve(app, name=f"twin-{secrets.token_hex(4)}", show=False)
            answers = []
            for _ in range(logins):
                response = requests.post(f"{server.url}/login", json={"username": user[0], "password": user[1]},
                                         timeout=TWIN_TIMEOUT, allow_redirects=False)
                answers.append([response.status_code, _cookie_value(response, cookie)])
            return answers  # the child ends with os._exit: its server goes with it

    try:
        result = {"logins": _forks.in_fork(work)}
    except (_forks.ChildFailed, TimeoutError) as error:
        result = {"problem": str(error)}
    yield result


def _cookie_value(response, name: str) -> str | None:
    for header in response.raw.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        with contextlib.suppress(CookieError):
            cookie.load(header)
        if name in cookie:
            return cookie[name].value
    return None


HELPERS = {"wall_clock_turned_back": _wall_clock_turned_back, "twin_logins": _twin_logins}
_entered: dict[int, contextlib.ExitStack] = {}
_numbers = itertools.count(1)


@contextlib.contextmanager
def in_kernel(helper: str, owner, *args) -> Iterator[object]:
    """Run the context manager ``HELPERS[helper](owner, *args)`` in the process ``owner`` (app, function) lives in.

    ``with in_kernel(...) as value`` gets what the helper yields (plain data across the channel).
    """
    channel = owner.channel if isinstance(owner, RemoteMapping) else getattr(owner, "_channel", None)
    if not isinstance(owner, RemoteMapping | Remote):
        with HELPERS[helper](owner, *args) as value:
            yield value
        return
    number, value = channel.request("enter", helper, owner, *args)
    try:
        yield value
    finally:
        channel.request("leave", number)


def from_kernel(helper: str, owner, *args) -> object:
    """What ``HELPERS[helper](owner, *args)`` yields, computed in the process ``owner`` lives in."""
    with in_kernel(helper, owner, *args) as value:
        return value


def enter(helper: str, owner, *args) -> tuple[int, object]:
    """Kernel side of ``in_kernel``: enter the helper; a number to leave it by, and what it yielded."""
    stack = contextlib.ExitStack()
    value = stack.enter_context(HELPERS[helper](owner, *args))
    number = next(_numbers)
    _entered[number] = stack
    return number, value


def leave(number: int) -> None:
    _entered.pop(number).close()
