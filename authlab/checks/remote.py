"""The checker's end: run a lab's test cells, with the grader's own checks, against a kernel over the channel.

A test cell of the lab's source is a list of check calls (``lab1.check_login(app, register)``).
The checker reads those calls from the source (hidden tests included), looks each argument
up in the kernel (``app`` becomes a handle the checks serve and probe over HTTP, a hook a
remote function, ``globals()`` the kernel's namespace) and runs the check here. A cell
scores its points when every check in it passed; nothing the kernel prints or claims counts.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import importlib
import io
import math
import socket
import sys
import time
from collections.abc import Iterator

from authlab.checks.channel import Channel, ChannelClosed, RemoteApp, rebuild_exception
from authlab.checks.tunnel import Hub

_current: list[Session] = []


@dataclasses.dataclass
class CheckScore:
    """One test cell of one submission."""

    grade_id: str
    points: float
    max_points: float
    reason: str = ""
    output: str = ""
    description: str = ""

    @property
    def passed(self) -> bool:
        return self.points >= self.max_points > 0


@dataclasses.dataclass(frozen=True)
class Call:
    """``lab1.check_login(app, register)``: the lab, the check and its arguments as (kind, value) pairs."""

    lab: str
    check: str
    args: tuple[tuple[str, object], ...]
    hidden: bool = False  # between nbgrader's BEGIN / END HIDDEN TESTS: its ✔ lines are not shown


@dataclasses.dataclass(frozen=True)
class TestCell:
    grade_id: str
    points: float
    calls: tuple[Call, ...]


class Session:
    """A kernel reached over the channel, and the tunnels into its sandbox (``hub`` is None without one)."""

    def __init__(self, channel: Channel, hub: Hub | None = None):
        self.channel = channel
        self.hub = hub

    def lookup(self, name: str):
        return self.channel.request("lookup", name)

    def problems(self) -> list[str]:
        try:
            return [str(problem)[:300] for problem in self.channel.request("problems", timeout=5)][:50]
        except Exception:
            return []

    def finish(self) -> None:
        with contextlib.suppress(Exception):
            self.channel.request("finish", timeout=2)


def current() -> Session | None:
    """The session whose checks are running, if any (local servers a check starts are opened to its kernel)."""
    return _current[-1] if _current else None


@contextlib.contextmanager
def judging(session: Session) -> Iterator[None]:
    _current.append(session)
    try:
        yield
    finally:
        _current.remove(session)


class RemoteCrashes:
    """What ``Probe`` reads after a 5xx: the exceptions the kernel's app raised, as exceptions here."""

    def __init__(self, channel: Channel, number: int):
        self._channel, self._number = channel, number

    def _fetch(self) -> list[BaseException]:
        try:
            crashes = self._channel.request("crashes", self._number, timeout=5)
        except Exception:
            return []
        return [rebuild_exception(*crash) for crash in crashes]

    def clear(self) -> None:
        """The kernel keeps the list; a 5xx reports the newest crash."""

    def __bool__(self) -> bool:
        return bool(self._fetch())

    def __getitem__(self, index: int) -> BaseException:
        return self._fetch()[index]


@contextlib.contextmanager
def served(app: RemoteApp) -> Iterator[tuple[str, RemoteCrashes]]:
    """Have the kernel serve its app; yield a URL that reaches it from here and the app's crashes."""
    channel = app._channel
    session = next((s for s in _current if s.channel is channel), None)
    info = channel.request("serve_app", app)
    listener = None
    try:
        if info.get("url"):
            url = info["url"]
        else:
            if session is None or session.hub is None:
                raise ChannelClosed("no tunnel into the sandbox")
            listener = session.hub.listen_for_app(lambda token: channel.request("dial", token, info["port"],
                                                                                timeout=10))
            url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        yield url, RemoteCrashes(channel, info["id"])
    finally:
        if listener is not None:
            listener.close()
        with contextlib.suppress(Exception):
            channel.request("stop_app", info["id"], timeout=10)


def expose(port: int) -> None:
    """Open a checker-side server's port to the kernel of the running session (the same port number there)."""
    session = current()
    if session is not None and session.hub is not None:
        session.hub.expose(port)
        session.channel.request("open_port", port, timeout=10)


# --- the test cells --------------------------------------------------------------------------


HIDDEN_BEGIN, HIDDEN_END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"  # nbgrader's ClearHiddenTests delimiters


def _hidden_lines(source: str) -> set[int]:
    """The (1-based) line numbers inside hidden-test regions."""
    hidden, inside = set(), False
    for number, line in enumerate(source.splitlines(), 1):
        if HIDDEN_BEGIN in line:
            inside = True
        elif HIDDEN_END in line:
            inside = False
        elif inside:
            hidden.add(number)
    return hidden


def parse_calls(source: str, grade_id: str = "?") -> tuple[Call, ...]:
    """The check calls of a test cell of the lab's source (imports of authlab.checks and calls only)."""
    hidden = _hidden_lines(source)
    labs: dict[str, str] = {}
    calls = []
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.ImportFrom) and statement.module == "authlab.checks":
            labs.update({alias.asname or alias.name: alias.name for alias in statement.names})
            continue
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id in labs and not call.keywords):
            raise ValueError(f"test cell {grade_id}: only `labN.check_x(name, ...)` calls can be judged from outside, "
                             f"not {ast.unparse(statement)[:80]!r}")
        args = tuple(_argument(arg, grade_id) for arg in call.args)
        calls.append(Call(labs[call.func.value.id], call.func.attr, args, statement.lineno in hidden))
    return tuple(calls)


def _argument(node: ast.expr, grade_id: str) -> tuple[str, object]:
    if isinstance(node, ast.Name):
        return ("name", node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "globals" and not node.args:
        return ("namespace", None)
    try:
        return ("value", ast.literal_eval(node))
    except ValueError:
        raise ValueError(f"test cell {grade_id}: cannot pass {ast.unparse(node)!r} from outside") from None


def test_cells(notebook) -> tuple[TestCell, ...]:
    """The test cells of the lab's source notebook, in order, with their calls (hidden tests included)."""
    cells = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and "grade_id" in meta:
            cells.append(TestCell(meta["grade_id"], float(meta.get("points", 0)), parse_calls(cell.source,
                                                                                              meta["grade_id"])))
    return tuple(cells)


def _resolve(session: Session, kind: str, value):
    if kind == "name":
        return session.lookup(value)
    if kind == "namespace":
        return session.channel.request("namespace")
    return value


def description(call: Call) -> str:
    function = getattr(importlib.import_module(f"authlab.checks.{call.lab}"), call.check, None)
    return ((getattr(function, "__doc__", None) or call.check).strip().splitlines() or [call.check])[0]


def judge(session: Session, cell: TestCell, deadline: float = math.inf) -> CheckScore:
    """Run the checks of one test cell against the session's kernel; full points only when all pass.

    A hidden test's check keeps its verdict and its failure reason, never its ✔ lines: those
    would tell the student what the hidden tests probe (nbgrader's feedback shows hidden tests
    whole, jupyter/nbgrader#917; authlab's shows neither their source nor their passes).
    """
    shown = next((call for call in cell.calls if not call.hidden), None)
    score = CheckScore(cell.grade_id, 0.0, cell.points, description=description(shown) if shown else
                       ("hidden tests" if cell.calls else ""))
    if time.monotonic() > deadline:
        score.reason = "not checked: the checks of this notebook ran out of time (functions that never return?)"
        return score
    output, call = io.StringIO(), None
    with judging(session), contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
        try:
            for call in cell.calls:
                module = importlib.import_module(f"authlab.checks.{call.lab}")
                args = [_resolve(session, kind, value) for kind, value in call.args]
                with contextlib.redirect_stdout(io.StringIO()) if call.hidden else contextlib.nullcontext():
                    getattr(module, call.check)(*args)
        except AssertionError as error:
            score.reason = f"{type(error).__name__}: {error}" + (" (a hidden test)" if call and call.hidden else "")
        except NameError as error:
            score.reason = f"NameError: {error} (did an answer cell above fail, or was it deleted?)"
        except (ChannelClosed, TimeoutError):
            score.reason = "the notebook's kernel stopped answering during this check (it crashed, exited or hung)"
        except Exception as error:
            score.reason = f"the check could not run: {type(error).__name__}: {str(error)[:200]}"
        except SystemExit as error:  # raised by the student's code across the channel
            score.reason = f"the check could not run: your code raised SystemExit({str(error)[:100]})"
        else:
            score.points = cell.points
    score.output = output.getvalue()[:4000]
    return score


# --- the checker process of a notebook's test cell (authlab.checks.instant) ---------------------


def main(argv: list[str]) -> int:
    """``python -m authlab.checks.remote FD LAB CHECK``: run one check against the kernel at the end of FD."""
    fd, lab, check = int(argv[0]), argv[1], argv[2]
    channel = Channel(socket.socket(fileno=fd), "checker", guarded=True)
    session = Session(channel)
    module = importlib.import_module(f"authlab.checks.{lab}")
    verdict = [True, "", ""]
    with judging(session):
        try:
            getattr(module, check)(*channel.request("args"))
        except AssertionError as error:
            verdict = [False, getattr(error, "problem", "") or str(error), getattr(error, "hint", "")]
        except (ChannelClosed, TimeoutError):
            verdict = [False, "the kernel stopped answering during the check", "run the cell again"]
        except Exception as error:
            verdict = [False, f"the check could not run: {type(error).__name__}: {str(error)[:200]}",
                       "run the cells above from the top, then this one"]
        except SystemExit as error:
            verdict = [False, f"your code raised SystemExit({str(error)[:100]}) during the check", "do not exit"]
    channel.request("verdict", verdict, timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
