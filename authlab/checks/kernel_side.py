"""What a check must do inside the student's kernel, wherever it runs: freeze or turn back the clock, seed `random`.

``with in_kernel("frozen_time", app):`` runs the helper in the process that owns ``app``
(or a namespace): in this process for the kernel's own objects, in the kernel across the
channel when they are remote (the checker runs outside). The helpers only change what
the student's code sees; the verdict is still the checker's.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import random
import threading
import time
import types
from collections.abc import Iterator

from authlab.checks.channel import Remote, RemoteMapping

WALL_CLOCK_STEP = 3600.0  # seconds the wall clock goes back at every reading


class _WallClockTurnedBack:
    """A wall clock that goes back an hour at every reading, as after an NTP step or a manual change."""

    def __init__(self):
        self._readings = 0
        self._lock = threading.Lock()
        self._time, self._time_ns = time.time, time.time_ns

    def _offset(self) -> float:
        with self._lock:
            self._readings += 1
            return -WALL_CLOCK_STEP * self._readings

    def time(self) -> float:
        return self._time() + self._offset()

    def time_ns(self) -> int:
        return self._time_ns() + int(self._offset() * 1e9)

    def datetime_class(self) -> type:
        clock = self

        class TurnedBack(datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return super().now(tz) + datetime.timedelta(seconds=clock._offset())

            @classmethod
            def utcnow(cls):
                return cls.now(datetime.UTC).replace(tzinfo=None)

            @classmethod
            def today(cls):
                return cls.now()

        return TurnedBack


@contextlib.contextmanager
def _wall_clock_turned_back(namespace: dict) -> Iterator[None]:
    """Turn time.time, time.time_ns and datetime's now() back at every reading, in ``namespace`` and the time module.

    Names in ``namespace`` bound to the time or datetime module get a stand-in module with the
    turned-back clocks (everything else passes through); names bound to time.time,
    time.time_ns or the datetime class are replaced directly. All is restored afterwards.
    """
    clock = _WallClockTurnedBack()
    turned_datetime = clock.datetime_class()
    time_module = types.ModuleType("time")
    time_module.__dict__.update({**vars(time), "time": clock.time, "time_ns": clock.time_ns})
    datetime_module = types.ModuleType("datetime")
    datetime_module.__dict__.update({**vars(datetime), "datetime": turned_datetime})
    stand_ins = {id(time): time_module, id(datetime): datetime_module, id(time.time): clock.time,
                 id(time.time_ns): clock.time_ns, id(datetime.datetime): turned_datetime}
    replaced = {name: value for name, value in namespace.items() if id(value) in stand_ins}
    real = time.time, time.time_ns
    namespace.update({name: stand_ins[id(value)] for name, value in replaced.items()})
    time.time, time.time_ns = clock.time, clock.time_ns
    try:
        yield
    finally:
        time.time, time.time_ns = real
        namespace.update(replaced)


@contextlib.contextmanager
def _frozen_time(owner) -> Iterator[None]:
    """time.time() and time.time_ns() stand still."""
    real_time, real_time_ns = time.time, time.time_ns
    frozen = real_time()
    time.time, time.time_ns = (lambda: frozen), (lambda: int(frozen * 1e9))
    try:
        yield
    finally:
        time.time, time.time_ns = real_time, real_time_ns


@contextlib.contextmanager
def _random_seeded(owner, seed: int) -> Iterator[None]:
    """Python's `random` starts again from ``seed``; its state is restored afterwards."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


HELPERS = {"wall_clock_turned_back": _wall_clock_turned_back, "frozen_time": _frozen_time,
           "random_seeded": _random_seeded}
_entered: dict[int, contextlib.ExitStack] = {}
_numbers = itertools.count(1)


@contextlib.contextmanager
def in_kernel(helper: str, owner, *args) -> Iterator[None]:
    """Run the context manager ``HELPERS[helper](owner, *args)`` in the process ``owner`` (app, namespace) lives in."""
    channel = owner.channel if isinstance(owner, RemoteMapping) else getattr(owner, "_channel", None)
    if not isinstance(owner, RemoteMapping | Remote):
        with HELPERS[helper](owner, *args):
            yield
        return
    number = channel.request("enter", helper, owner, *args)
    try:
        yield
    finally:
        channel.request("leave", number)


def enter(helper: str, owner, *args) -> int:
    """Kernel side of ``in_kernel``: enter the helper, return a number to leave it by."""
    stack = contextlib.ExitStack()
    stack.enter_context(HELPERS[helper](owner, *args))
    number = next(_numbers)
    _entered[number] = stack
    return number


def leave(number: int) -> None:
    _entered.pop(number).close()
