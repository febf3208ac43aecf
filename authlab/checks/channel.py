"""The narrow channel between the trusted checker and a student's kernel: JSON lines over a Unix socket.

Each side can call the other's objects through it: the checker calls the kernel's app,
hooks and namespace; the kernel calls back the few objects a check hands it (a fake
clock, senders, stand-in functions). Plain data (None, numbers, strings, bytes, lists,
tuples, sets, dicts) travels by value; anything else by reference, as a proxy whose
calls go back over the channel. Requests are served on their own threads, so calls
may nest and cross in both directions.

The checker's side is guarded (``guarded=True``): its peer may call only what it was
handed and read only public, non-callable-object attributes. Nothing else of the
checker's process is reachable from the kernel.
"""

from __future__ import annotations

import base64
import builtins
import itertools
import json
import math
import os
import socket
import sys
import threading
from collections.abc import Callable

MAX_LINE = 16 * 1024 * 1024  # bytes of one message; a bigger one closes the channel
MAX_CAPTURE = 200_000  # characters of stdout/stderr kept per call
CALL_TIMEOUT = 60.0
_VISIBLE_DUNDERS = ("__globals__", "__doc__", "__module__", "__qualname__")


class ChannelClosed(ConnectionError):
    """The other side is gone (its process ended or was killed)."""


class RemoteError(Exception):
    """An exception raised on the other side of the channel, by a type that is not a builtin."""


class Channel:
    """One end of the channel. ``handlers`` are extra operations the peer may request by name."""

    def __init__(self, sock: socket.socket, side: str, guarded: bool, handlers: dict[str, Callable] | None = None):
        self.side = side
        self.guarded = guarded
        self.timeout = CALL_TIMEOUT  # seconds a request may wait for its answer
        self.handlers = dict(handlers or {})
        self._sock = sock
        self._reader = sock.makefile("rb")
        self._write_lock = threading.Lock()
        self._objects: dict[int, object] = {}
        self._ids = itertools.count(1)
        self._pending: dict[int, list] = {}
        self._pending_lock = threading.Lock()
        self.closed = threading.Event()
        threading.Thread(target=self._read_loop, name=f"authlab-channel-{side}", daemon=True).start()

    # --- calling the other side -------------------------------------------------------------

    def request(self, op: str, *args, timeout: float | None = None, **fields):
        timeout = self.timeout if timeout is None else timeout
        number = next(self._ids)
        waiter = [threading.Event(), None]
        with self._pending_lock:
            if self.closed.is_set():
                raise ChannelClosed("the other side of the channel is gone")
            self._pending[number] = waiter
        try:
            self._send({"id": number, "op": op, "args": [self.encode(arg) for arg in args],
                        **{key: self.encode(value) for key, value in fields.items()}})
            if not waiter[0].wait(timeout):
                raise TimeoutError(f"no answer within {timeout:.0f} s")
        finally:
            with self._pending_lock:
                self._pending.pop(number, None)
        reply = waiter[1]
        if reply is None:
            raise ChannelClosed("the other side of the channel is gone")
        _replay_output(reply)
        if "error" in reply:
            raise rebuild_exception(*reply["error"])
        for original, after in zip(args, reply.get("after") or (), strict=False):
            _update(original, self.decode(after))
        return self.decode(reply.get("value"))

    def close(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()

    # --- serving the other side ------------------------------------------------------------

    def _read_loop(self) -> None:
        try:
            while True:
                line = self._reader.readline(MAX_LINE + 1)
                if not line or len(line) > MAX_LINE:
                    break
                message = json.loads(line)
                if "op" in message:
                    threading.Thread(target=self._serve, args=(message,), daemon=True).start()
                else:
                    with self._pending_lock:
                        waiter = self._pending.get(message.get("id"))
                    if waiter is not None:
                        waiter[1] = message
                        waiter[0].set()
        except (OSError, ValueError):
            pass
        finally:
            with self._pending_lock:
                self.closed.set()
                for waiter in self._pending.values():
                    waiter[0].set()

    def _serve(self, message: dict) -> None:
        reply: dict = {"id": message.get("id")}
        output = _CAPTURE.start()
        try:
            reply["value"] = self.encode(self._dispatch(message))
            if "after" in message:
                reply["after"] = message["after"]
        except BaseException as error:  # noqa: BLE001 - everything the peer's call raised goes back to it
            reply["error"] = [type(error).__name__, _message(error), raised_in(error)]
        finally:
            reply["out"], reply["err"] = _CAPTURE.stop(output)
        try:
            self._send(reply)
        except (OSError, TypeError, ValueError):
            pass

    def _dispatch(self, message: dict):
        op, args = message["op"], [self.decode(arg) for arg in message.get("args", [])]
        if op in self.handlers:
            if self.guarded:
                raise PermissionError(f"operation {op!r} is not offered to this side")
            return self.handlers[op](*args)
        target = self._own(message.get("ref"))
        if op == "call":
            if not callable(target):
                raise TypeError("not callable")
            kwargs = self.decode(message.get("kwargs")) or {}
            value = target(*args, **kwargs)
            message["after"] = [self.encode(arg) if type(arg) in (list, dict) else None for arg in args]
            return value
        if op == "getattr":
            name = args[0]
            if self.guarded and (name.startswith("_") or callable(target)):
                raise AttributeError(name)
            value = getattr(target, name)
            return Live(value) if type(value) is dict else value  # a namespace (__globals__) is read live
        if op == "repr":
            return repr(target)[:2000]
        if op == "contains":
            return args[0] in target
        if op == "getitem":
            return target[args[0]]
        if op == "len":
            return len(target)
        if op == "keys":
            return list(target.keys()) if hasattr(target, "keys") else list(target)
        if self.guarded:
            raise PermissionError(f"operation {op!r} is not offered to this side")
        if op == "setitem":
            target[args[0]] = args[1]
            return None
        if op == "delitem":
            del target[args[0]]
            return None
        raise ValueError(f"unknown operation {op!r}")

    def _own(self, ref) -> object:
        try:
            return self._objects[ref]
        except (KeyError, TypeError):
            raise LookupError("no such object on this side") from None

    def _send(self, message: dict) -> None:
        data = json.dumps(message, separators=(",", ":")).encode() + b"\n"
        with self._write_lock:
            self._sock.sendall(data)

    # --- values ------------------------------------------------------------------------------

    def encode(self, value, live: bool = False):
        """JSON for ``value``; with ``live`` a top-level dict or list goes by reference (a live view)."""
        if value is None or isinstance(value, bool | str):
            return value
        if isinstance(value, int) and type(value) in (int,):
            return value if abs(value) < 2**53 else {"$i": str(value)}
        if isinstance(value, float) and type(value) is float:
            return value if math.isfinite(value) else {"$f": repr(value)}
        if type(value) is bytes:
            return {"$b": base64.b64encode(value).decode()}
        if isinstance(value, Remote) and value._channel is self:
            return {"$own": value._ref}
        if isinstance(value, Live):
            return self.encode(value.value, live=True)
        if isinstance(value, RemoteMapping) and value._remote._channel is self:
            return {"$own": value._remote._ref}
        if not live:
            if type(value) is list:
                return [self.encode(item) for item in value]
            if type(value) in _SEQUENCE_TAGS:
                return {_SEQUENCE_TAGS[type(value)]: [self.encode(item) for item in value]}
            if type(value) is dict:
                return {"$d": [[self.encode(key), self.encode(item)] for key, item in value.items()]}
            session = _session_state(value)
            if session is not None:
                return {"$session": session}
        number = next(self._ids)
        self._objects[number] = value
        kind = type(value)
        return {"$r": number, "k": _kind(value), "n": str(getattr(value, "__name__", kind.__name__))[:100],
                "c": f"{kind.__module__}:{kind.__qualname__}"}

    def decode(self, data):
        if isinstance(data, list):
            return [self.decode(item) for item in data]
        if not isinstance(data, dict):
            return data
        if "$own" in data:
            return self._own(data["$own"])
        if "$r" in data:
            kind = {"app": RemoteApp, "callable": RemoteCallable, "mapping": RemoteMapping}.get(data["k"], RemoteObject)
            proxy = kind(self, data["$r"], data.get("n", "object"))
            if kind is RemoteObject:
                object.__setattr__(proxy, "_class", _course_class(str(data.get("c", ""))))
            return proxy
        if "$d" in data:
            return {self.decode(key): self.decode(item) for key, item in data["$d"]}
        for kind, tag in _SEQUENCE_TAGS.items():
            if tag in data:
                return kind(self.decode(item) for item in data[tag])
        if "$f" in data:
            return float(data["$f"])
        if "$i" in data:
            return int(data["$i"])
        if "$b" in data:
            return base64.b64decode(data["$b"])
        if "$session" in data:
            return _session_from(data["$session"])
        raise ValueError("unknown value on the channel")


_SEQUENCE_TAGS = {tuple: "$t", set: "$s", frozenset: "$z"}


class Live:
    """A value to hand over by reference even when it is a dict or a list: the peer sees later changes."""

    def __init__(self, value):
        self.value = value


def _kind(value) -> str:
    if hasattr(value, "wsgi_app") and callable(value):
        return "app"
    if isinstance(value, dict):
        return "mapping"
    return "callable" if callable(value) and not isinstance(value, type) else "object"


def _course_class(name: str) -> type | None:
    """The class of this side that a remote object says it is, if it is one of the course's own (a store)."""
    module, _, qualname = name.partition(":")
    if not module.startswith("authlab.") or module not in sys.modules or "." in qualname:
        return None
    found = getattr(sys.modules[module], qualname, None)
    return found if isinstance(found, type) else None


def _session_state(value) -> dict | None:
    """A ``requests.Session`` travels as a copy of its headers and cookies."""
    requests = sys.modules.get("requests")
    if requests is None or type(value) is not requests.Session:
        return None
    cookies = [[c.name, c.value, c.domain, c.path, c.secure] for c in value.cookies]
    return {"headers": [[name, value] for name, value in value.headers.items()], "cookies": cookies}


def _session_from(state: dict):
    import requests

    session = requests.Session()
    session.headers.clear()
    session.headers.update({str(name): str(value) for name, value in state["headers"]})
    for name, value, domain, path, secure in state["cookies"]:
        session.cookies.set(name, value, domain=domain, path=path, secure=secure)
    return session


def _update(original, after) -> None:
    """A list or dict the other side changed in place during a call changes here too."""
    if type(original) is list and type(after) is list and original != after:
        original[:] = after
    elif type(original) is dict and type(after) is dict and original != after:
        original.clear()
        original.update(after)


def _message(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return str(error.code)
    return str(error)[:2000]


_LIBRARIES = tuple({os.path.realpath(folder) + os.sep for folder in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                                                      os.path.dirname(os.path.dirname(__file__)))})


def raised_in(error: BaseException) -> str | None:
    """The learner's function an error came from: its innermost named frame outside Python, libraries and authlab."""
    found, frame = None, error.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if not code.co_name.startswith("<") and not os.path.realpath(code.co_filename).startswith(_LIBRARIES):
            found = code.co_name
        frame = frame.tb_next
    return found


def rebuild_exception(name: str, message: str, where: str | None = None) -> BaseException:
    """A builtin exception of that name (so ``except ValueError`` works across), else a RemoteError.

    ``where`` (the learner's function it was raised in, ``raised_in``) is kept as its ``raised_in`` attribute.
    """
    kind = getattr(builtins, str(name), None)
    if kind is SystemExit:
        return SystemExit(int(message) if message.lstrip("-").isdigit() else message)
    error = None
    if isinstance(kind, type) and issubclass(kind, Exception) and kind.__module__ == "builtins":
        try:
            error = kind(message)
        except TypeError:  # exceptions whose constructor wants more than a message
            pass
    error = error or type(str(name)[:100] or "RemoteError", (RemoteError,), {})(message)
    error.raised_in = str(where)[:100] if where else None
    return error


def _replay_output(reply: dict) -> None:
    if reply.get("out"):
        sys.stdout.write(reply["out"])
    if reply.get("err"):
        sys.stderr.write(reply["err"])


class _ThreadOutput:
    """sys.stdout/sys.stderr that sends what a thread serving a call prints back with that call's reply.

    Everything else goes to the stream it wraps (ipykernel's ``set_parent`` included).
    """

    def __init__(self, fallback, local: threading.local, slot: int):
        self._fallback, self._local, self._slot = fallback, local, slot

    def __getattr__(self, name: str):
        return getattr(self._fallback, name)

    def write(self, text: str) -> int:
        buffers = getattr(self._local, "buffers", None)
        if buffers is None:
            return self._fallback.write(text)
        if len(buffers[self._slot]) < MAX_CAPTURE:
            buffers[self._slot] += text
        return len(text)

    def flush(self) -> None:
        if getattr(self._local, "buffers", None) is None:
            self._fallback.flush()


class _Capture:
    """What each call prints on the side serving it, installed on first use."""

    def __init__(self):
        self._local = threading.local()
        self._lock = threading.Lock()

    def start(self) -> list[str]:
        with self._lock:
            for slot, name in enumerate(("stdout", "stderr")):
                current = getattr(sys, name)
                if not isinstance(current, _ThreadOutput):
                    setattr(sys, name, _ThreadOutput(current, self._local, slot))
        self._local.buffers = ["", ""]
        return self._local.buffers

    def stop(self, buffers: list[str]) -> tuple[str, str]:
        self._local.buffers = None
        return buffers[0][:MAX_CAPTURE], buffers[1][:MAX_CAPTURE]


_CAPTURE = _Capture()


class Remote:
    """An object of the other side."""

    def __init__(self, channel: Channel, ref: int, name: str):
        object.__setattr__(self, "_channel", channel)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "__name__", name)

    def _ask(self, op: str, *args, **fields):
        return self._channel.request(op, *args, ref=self._ref, **fields)

    def __getattr__(self, name: str):
        if name.startswith("__") and name not in _VISIBLE_DUNDERS:
            raise AttributeError(name)
        try:
            return self._ask("getattr", name)
        except AttributeError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        try:
            return self._ask("repr")
        except Exception:
            return f"<remote {self.__name__}>"


class RemoteCallable(Remote):
    def __call__(self, *args, **kwargs):
        return self._ask("call", *args, kwargs=kwargs)


class RemoteApp(RemoteCallable):
    """The student's WSGI app, living in the kernel: ``checks.serving`` asks the kernel to serve it."""


class RemoteObject(Remote):
    _class = None

    @property
    def __class__(self):
        """The course's class it claims (``isinstance(store, SessionStore)`` holds for a remote MemoryStore)."""
        return self._class or type(self)

    def __contains__(self, key) -> bool:
        return self._ask("contains", key)

    def __getitem__(self, key):
        return self._ask("getitem", key)

    def __setitem__(self, key, value) -> None:
        self._ask("setitem", key, value)

    def __len__(self) -> int:
        return self._ask("len")

    def __iter__(self):
        return iter(self._ask("keys"))


class RemoteMapping(dict):
    """A dict of the other side (a namespace, ``USERS``), read and written live; ``isinstance(x, dict)`` holds."""

    def __init__(self, channel: Channel, ref: int, name: str):
        super().__init__()
        self._remote = RemoteObject(channel, ref, name)
        self.channel = channel

    def __getitem__(self, key):
        return self._remote[key]

    def __setitem__(self, key, value) -> None:
        self._remote[key] = value

    def __delitem__(self, key) -> None:
        self._remote._ask("delitem", key)

    def __contains__(self, key) -> bool:
        return key in self._remote

    def __iter__(self):
        return iter(self._remote)

    def __len__(self) -> int:
        return len(self._remote)

    def __repr__(self) -> str:
        return repr(self._remote)

    def keys(self):
        return list(self._remote)

    def items(self):
        return [(key, self[key]) for key in self.keys()]

    def values(self):
        return [self[key] for key in self.keys()]

    def get(self, key, default=None):
        return self[key] if key in self else default

    def update(self, other=(), **kwargs) -> None:
        for key, value in dict(other, **kwargs).items():
            self[key] = value
