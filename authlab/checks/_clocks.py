"""Moving the wall clock under the learner's code: ``time.time``, ``time.time_ns`` and datetime's ``now()``.

A check hands in a ``reading()`` of its own (frozen, or jumping back an hour at every
call) and the functions whose code must see it. The stand-ins replace the real clocks
in the time module, in the globals of those functions and of everything defined next
to them (module names, ``from time import time``, ``from datetime import datetime``),
in the dicts and lists those globals hold (``CLOCKS = {"now": datetime.now}``), and in
their default arguments and closures, so ``def tick(now=time.time)`` sees the moved
clock too. Deeper hiding places (a class attribute, an object's) are out of reach: lab 4
fingerprints what comes out of them. Everything is restored afterwards.
"""

from __future__ import annotations

import contextlib
import datetime
import time
import types
from collections.abc import Callable, Iterable, Iterator

NOW_METHODS = ("now", "utcnow", "today")


class WallClock:
    """Stand-ins for time.time, time.time_ns and the datetime class, all reading ``reading()``."""

    def __init__(self, reading: Callable[[], float]):
        """Make it before the real clocks are replaced: it recognises them by identity."""
        self.reading = reading
        self.time_module = types.ModuleType("time")
        self.time_module.__dict__.update({**vars(time), "time": self.time, "time_ns": self.time_ns})
        self.datetime_class = self._datetime_class()
        self.datetime_module = types.ModuleType("datetime")
        self.datetime_module.__dict__.update({**vars(datetime), "datetime": self.datetime_class})
        self._table = {id(time): self.time_module, id(datetime): self.datetime_module, id(time.time): self.time,
                       id(time.time_ns): self.time_ns, id(datetime.datetime): self.datetime_class}

    def time(self) -> float:
        return self.reading()

    def time_ns(self) -> int:
        return int(self.reading() * 1e9)

    def _datetime_class(self) -> type:
        reading = self.reading

        class MovedDatetime(datetime.datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.datetime.fromtimestamp(reading(), tz)

            @classmethod
            def utcnow(cls):
                return datetime.datetime.fromtimestamp(reading(), datetime.UTC).replace(tzinfo=None)

            @classmethod
            def today(cls):
                return cls.now()

        return MovedDatetime

    def stand_in(self, value: object) -> object | None:
        """What replaces ``value`` if it is one of the real clocks (or a module holding them), else None."""
        if id(value) in self._table:  # the real clocks, as they were when this WallClock was made
            return self._table[id(value)]
        # type(), never isinstance() or getattr(): a proxy such as flask.request must not be touched
        if type(value) is types.BuiltinMethodType and value.__self__ is datetime.datetime \
                and value.__name__ in NOW_METHODS:
            return getattr(self.datetime_class, value.__name__)
        return None


def _functions_near(functions: Iterable[Callable]) -> list[types.FunctionType]:
    """The given functions, the functions and methods defined in their globals, and bound methods' functions."""
    found: dict[int, types.FunctionType] = {}

    def function_of(value: object) -> types.FunctionType | None:
        # type(), never isinstance() or getattr(): a proxy such as flask.request must not be touched
        if type(value) in (types.MethodType, classmethod, staticmethod):
            value = value.__func__
        return value if type(value) is types.FunctionType else None

    for function in functions:
        if target := function_of(function):
            found.setdefault(id(target), target)
    namespaces = {id(function.__globals__): function.__globals__ for function in found.values()}
    for namespace in namespaces.values():
        for value in list(namespace.values()):
            if target := function_of(value):
                found.setdefault(id(target), target)
            elif issubclass(type(value), type) and value.__module__ == namespace.get("__name__"):
                for member in vars(value).values():
                    if target := function_of(member):
                        found.setdefault(id(target), target)
    return list(found.values())


@contextlib.contextmanager
def wall_clock_moved(clock: WallClock, functions: Iterable[Callable]) -> Iterator[None]:
    """Make ``clock`` the wall clock for the code of ``functions`` (see the module docstring)."""
    undo: list[Callable[[], None]] = []
    try:
        real = time.time, time.time_ns
        time.time, time.time_ns = clock.time, clock.time_ns
        undo.append(lambda: setattr(time, "time", real[0]) or setattr(time, "time_ns", real[1]))
        nearby = _functions_near(functions)
        for namespace in {id(f.__globals__): f.__globals__ for f in nearby}.values():
            _replace_held(namespace, clock, undo)
            for value in list(namespace.values()):
                if type(value) in (dict, list):  # CLOCKS = {"now": datetime.now}: one level down, no deeper
                    _replace_held(value, clock, undo)
        for function in nearby:
            _replace_captured(function, clock, undo)
        yield
    finally:
        for step in reversed(undo):
            step()


def _replace_held(container: dict | list, clock: WallClock, undo: list) -> None:
    """Swap real clocks that are values of the dict or items of the list ``container``."""
    keys = container.keys() if type(container) is dict else range(len(container))
    replaced = {key: container[key] for key in keys if clock.stand_in(container[key]) is not None}
    for key, value in replaced.items():
        container[key] = clock.stand_in(value)
    undo.append(lambda: [container.__setitem__(key, value) for key, value in replaced.items()])


def _replace_captured(function: types.FunctionType, clock: WallClock, undo: list) -> None:
    """Swap real clocks held in ``function``'s defaults, keyword defaults and closure cells."""
    defaults = function.__defaults__
    if defaults and any(clock.stand_in(value) is not None for value in defaults):
        function.__defaults__ = tuple(clock.stand_in(value) or value for value in defaults)
        undo.append(lambda: setattr(function, "__defaults__", defaults))
    keywords = function.__kwdefaults__
    if keywords and any(clock.stand_in(value) is not None for value in keywords.values()):
        function.__kwdefaults__ = {name: clock.stand_in(value) or value for name, value in keywords.items()}
        undo.append(lambda: setattr(function, "__kwdefaults__", keywords))
    for cell in function.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if clock.stand_in(value) is not None:
            cell.cell_contents = clock.stand_in(value)
            undo.append(lambda cell=cell, value=value: setattr(cell, "cell_contents", value))
