"""The check framework: start the learner's app, probe it over real HTTP, say what is wrong.

A check is a function decorated with ``@check(points)``. It prints one line per
thing it verified, or raises ``CheckFailed`` (an ``AssertionError``) whose message
says in one sentence what went wrong and what to do. Results go to the running
total of this kernel (``authlab.checks.total()``).
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import secrets
import warnings
from collections.abc import Callable, Iterator
from http.cookies import CookieError, SimpleCookie

import requests

import authlab
from authlab.checks import _results, remote
from authlab.checks.channel import RemoteApp, raised_in

REQUEST_TIMEOUT = 5.0


class CheckFailed(AssertionError):
    """The learner's code does not do what the lab asks; the message says what and how to fix it.

    In a notebook it shows as a short ✘ block instead of a traceback (IPython's
    ``_render_traceback_``); nbgrader still sees the cell's error.
    """

    def __init__(self, message: str, problem: str = "", hint: str = ""):
        super().__init__(message)
        self.problem, self.hint = problem or message, hint

    def _render_traceback_(self) -> list[str]:
        lines = [f"\x1b[31m✘ {self.problem}\x1b[0m"]
        return lines + ([f"  how to fix: {self.hint}"] if self.hint else [])


def fail(problem: str, hint: str) -> None:
    """Raise ``CheckFailed("<problem>; <hint>")``."""
    raise CheckFailed(f"{problem}; {hint}", problem, hint)


def ok(text: str) -> None:
    """Report one verified behaviour (stdout only: anything on stderr costs the cell its points)."""
    print(f"✔ {text}", flush=True)


def check(lab: str, points: int) -> Callable:
    """Register a check of ``lab`` worth ``points`` and record whether it passed."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args, **kwargs):
            try:
                result = function(*args, **kwargs)
            except BaseException:
                _results.record(lab, function.__name__, points, passed=False)
                raise
            _results.record(lab, function.__name__, points, passed=True)
            return result

        run.points = points
        return run

    return decorate


def call_student(function: Callable, *args, what: str | None = None):
    """Call the learner's ``function``; turn anything it raises into a one-line CheckFailed."""
    name = what or f"{getattr(function, '__name__', 'your function')}()"
    if not callable(function):
        fail(f"{name} is not a function (got {type(function).__name__})", "run the cell that defines it")
    try:
        return function(*args)
    except CheckFailed:
        raise
    except Exception as error:
        called = getattr(function, "__name__", None)
        fail(f"{name} raised {_describe(error, called)}", _hint_for(error))


def new_user(register: Callable, password: str | None = None) -> tuple[str, str]:
    """Register a fresh user through the learner's ``register``: ``(username, password)``."""
    username, password = f"user-{secrets.token_hex(4)}", password or secrets.token_urlsafe(12)
    call_student(register, username, password)
    return username, password


def wrong_credentials(username: str, password: str) -> dict[str, tuple[str, str]]:
    """The logins that must fail, by label: the user's name with a wrong password, and a user nobody registered."""
    return {"a wrong password": (username, password + "x"),
            "an unknown user": (f"nobody-{secrets.token_hex(4)}", password)}


def _where(error: BaseException) -> str | None:
    """The learner's function the error was raised in (sent along by the kernel, or read off the traceback here)."""
    return getattr(error, "raised_in", None) or raised_in(error)


def _describe(error: BaseException, called: str | None = None) -> str:
    """``ValueError: first line of the message in discover()``; the type alone when there is no message."""
    text = str(error).strip()
    described = f"{type(error).__name__}: {text.splitlines()[0][:200]}" if text else type(error).__name__
    where = _where(error)
    return described + (f" in {where}()" if where and where != called else "")


def _hint_for(error: BaseException) -> str:
    where = _where(error)
    cell = f"the cell of {where}()" if where else "that cell"
    if isinstance(error, NotImplementedError):
        place = f"{where}()" if where else "that cell"
        return f"replace the `raise NotImplementedError()` in {place} with your code and run {cell} again"
    return f"run {cell} on its own and fix the error first"


class Probe:
    """HTTP calls to the app under test, with a timeout and a readable failure for every way they break."""

    def __init__(self, url: str, crashes):
        self.url = url
        self._crashes = crashes  # a list, or the kernel's record of its app's crashes (remote.RemoteCrashes)

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        kwargs.setdefault("allow_redirects", False)
        self._crashes.clear()
        try:
            response = requests.request(method, self.url + path, **kwargs)
        except requests.Timeout:
            fail(f"{method} {path} got no answer within {REQUEST_TIMEOUT:.0f} s", "does that view loop forever?")
        except requests.ConnectionError as error:
            fail(f"{method} {path} could not connect ({type(error).__name__})", "did the app stop the server?")
        if response.status_code >= 500 and self._crashes:
            error = self._crashes[-1]
            fail(f"{method} {path} crashed with {_describe(error)} (status {response.status_code})", _hint_for(error))
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.request("POST", path, **kwargs)


@contextlib.contextmanager
def serving(app, name: str) -> Iterator[Probe]:
    """Serve ``app`` for the duration of one check, quietly, and stop it afterwards.

    The app's stderr (Flask's error log, library warnings) is captured: in a graded
    cell any stderr output would cost the cell its points.
    """
    if isinstance(app, RemoteApp):
        with _quiet(), remote.served(app) as (url, crashes):
            yield Probe(url, crashes)
        return
    if not callable(app):
        fail(f"app is not a Flask app (got {type(app).__name__})", "run the cell that creates `app` first")
    crashes: list[BaseException] = []
    with _quiet(), _recording_crashes(app, crashes):
        try:
            server = authlab.serve(app, name=f"check-{name}", show=False)
        except Exception as error:
            fail(f"could not start your app: {_describe(error)}", "run its cell again")
        try:
            remote.expose(server.port)
            yield Probe(server.url, crashes)
        finally:
            server.stop()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _recording_crashes(app, crashes: list[BaseException]) -> Iterator[None]:
    try:
        from flask import got_request_exception
    except ImportError:  # not Flask: no crash details, statuses still speak
        yield
        return

    def record(sender, exception, **extra):
        crashes.append(exception)

    got_request_exception.connect(record, app, weak=False)
    try:
        yield
    finally:
        got_request_exception.disconnect(record, app)


def set_cookies(response: requests.Response) -> dict[str, SimpleCookie]:
    """Every ``Set-Cookie`` of a response, parsed, by cookie name (the attributes included)."""
    parsed = {}
    for header in response.raw.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        try:
            cookie.load(header)
        except CookieError:
            fail(f"the Set-Cookie header {header[:80]!r} cannot be parsed", "set cookies with response.set_cookie()")
        for name, morsel in cookie.items():
            parsed[name] = morsel
    return parsed


def json_error(response: requests.Response, request: str, status: int) -> None:
    """Require ``status`` and a JSON body ``{"error": "..."}``."""
    if response.status_code != status:
        fail(f"{request} returned {response.status_code}", f"it must return {status}")
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        fail(
            f"{request} returned {status} but its body is {response.text[:60]!r}",
            'send a JSON object with an "error" message, e.g. return {"error": "..."}, ' + str(status),
        )


def estimated_bits(values: list[str]) -> float:
    """Entropy estimate of a set of random-looking strings: varying positions x bits per symbol.

    Positions that hold the same character in every sample (prefixes, separators,
    version digits) carry no secret; each varying position carries at most
    log2(alphabet) bits, the alphabet guessed from the characters seen.
    """
    if len(values) < 2:
        return 0.0
    length = min(len(value) for value in values)
    varying = [i for i in range(length) if len({value[i] for value in values}) > 1]
    symbols = "".join(value[i] for value in values for i in varying) + "".join(value[length:] for value in values)
    count = len(varying) + max(len(value) for value in values) - length
    return count * math.log2(_alphabet_size(symbols)) if count else 0.0


def _alphabet_size(text: str) -> int:
    chars = set(text)
    if chars <= set("0123456789"):
        return 10
    if chars <= set("0123456789abcdef") or chars <= set("0123456789ABCDEF"):
        return 16
    if chars <= set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"):
        return 64
    return 94

