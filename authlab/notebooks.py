"""Execute course notebooks headless, as "Run All" would, and report time, errors and leaks.

Used by ``authlab run`` (``make run``) and by the test suite, so what a learner
runs and what CI checks are the same code path.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from authlab import paths

DEFAULT_FOLDERS = ("notebooks",)

# Runs in the kernel after each "Run All": what is still alive in it.
_PROBE = """
import json as _j, threading as _t, psutil as _p
print(_j.dumps({"threads": sorted(t.name for t in _t.enumerate()),
                "children": [c.pid for c in _p.Process().children(recursive=True)]}))
"""


@dataclasses.dataclass
class CellError:
    index: int
    ename: str
    evalue: str
    source: str

    def __str__(self) -> str:
        first_line = self.source.strip().splitlines()[0] if self.source.strip() else ""
        return f"cell {self.index} ({first_line[:60]!r}): {self.ename}: {self.evalue}"


@dataclasses.dataclass
class RunResult:
    path: Path
    seconds: list[float] = dataclasses.field(default_factory=list)
    errors: list[CellError] = dataclasses.field(default_factory=list)
    leaks: list[str] = dataclasses.field(default_factory=list)
    notebook: nbformat.NotebookNode | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.leaks

    def __str__(self) -> str:
        times = " + ".join(f"{s:.1f} s" for s in self.seconds)
        verdict = "ok" if self.ok else "FAILED"
        lines = [f"{verdict:6} {self.path}  {times}"]
        lines += [f"       {problem}" for problem in [*self.errors, *self.leaks]]
        return "\n".join(lines)


@contextlib.contextmanager
def ipc_kernel(kernel_name: str = "python3") -> Iterator[KernelManager]:
    """A kernel manager on Unix sockets in a private folder, instead of five TCP ports.

    Many kernels starting at once (a test suite, a grading batch) then never race for
    ports, and no other user of the machine can connect to the kernel.
    """
    with tempfile.TemporaryDirectory(prefix="authlab-kernel-") as folder:
        manager = KernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(folder, "kernel"))
        try:
            yield manager
        finally:
            # nbclient shuts down only the kernels it made itself; a graceful shutdown runs the
            # kernel's atexit handlers (servers, clusters), then kills it after a grace period
            if manager.has_kernel:
                manager.shutdown_kernel()


def execute(
    path: str | Path,
    runs: int = 2,
    timeout: int = 60,
    allow_errors: bool = False,
) -> RunResult:
    """Run every cell of ``path`` ``runs`` times in one kernel, then shut it down.

    Stops at the first error unless ``allow_errors``. Leaks are threads or child
    processes that a second run added, and child processes that outlive the kernel.
    """
    path = Path(path)
    result = RunResult(path)
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # unreadable JSON, wrong schema
        result.errors.append(CellError(-1, type(error).__name__, str(error), ""))
        return result
    probes = []
    try:
        with ipc_kernel() as kernel_manager:
            client = NotebookClient(
                notebook,
                km=kernel_manager,
                timeout=timeout,
                allow_errors=allow_errors,
                resources={"metadata": {"path": str(path.parent.resolve())}},
            )
            with client.setup_kernel():
                for _ in range(runs):
                    started = time.perf_counter()
                    for index, cell in enumerate(notebook.cells):
                        client.execute_cell(cell, index)
                    result.seconds.append(time.perf_counter() - started)
                    probes.append(_probe(client, len(notebook.cells)))
                if allow_errors:
                    result.errors += _cell_errors(notebook)
    except CellTimeoutError as error:
        result.errors.append(_failed_cell(notebook, "Timeout", f"no result after {timeout} s", error))
    except CellExecutionError as error:
        result.errors.append(_failed_cell(notebook, error.ename, error.evalue, error))
    except DeadKernelError as error:
        result.errors.append(CellError(-1, "DeadKernelError", str(error), ""))
    result.notebook = notebook
    result.leaks += _leaks(probes)
    return result


def _probe(client: NotebookClient, index: int) -> dict:
    cell = nbformat.v4.new_code_cell(_PROBE)
    client.nb.cells.append(cell)  # nbclient writes outputs back into the notebook
    try:
        client.execute_cell(cell, index)
    finally:
        client.nb.cells.pop()
    text = "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")
    return json.loads(text.strip().splitlines()[-1])


def _cell_errors(notebook) -> list[CellError]:
    errors = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                errors.append(CellError(index, output.ename, output.evalue, cell.source))
    return errors


def _failed_cell(notebook, ename: str, evalue: str, error: Exception) -> CellError:
    # nbclient stores the error as an output of the failed cell before raising
    for found in _cell_errors(notebook):
        return found
    return CellError(-1, ename, evalue.strip().splitlines()[-1] if evalue.strip() else str(error), "")


def _leaks(probes: list[dict]) -> list[str]:
    leaks = []
    if len(probes) >= 2:
        first, last = probes[0], probes[-1]
        if len(last["threads"]) > len(first["threads"]):
            added = sorted(set(last["threads"]) - set(first["threads"])) or last["threads"]
            leaks.append(f"threads grew from {len(first['threads'])} to "
                         f"{len(last['threads'])} on re-run: {', '.join(added)}")
        if len(last["children"]) > len(first["children"]):
            leaks.append(f"child processes grew from {len(first['children'])} to "
                         f"{len(last['children'])} on re-run")
    if probes:
        orphans = _survivors(probes[-1]["children"], grace=5.0)
        if orphans:
            leaks.append(f"{len(orphans)} process(es) outlived the kernel: "
                         + ", ".join(f"{process.pid} {command}" for process, command in orphans))
    return leaks


def _survivors(pids: list[int], grace: float) -> list[tuple[psutil.Process, str]]:
    processes = []
    for pid in pids:
        try:
            processes.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(processes, timeout=grace)
    survivors = []
    for process in alive:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:  # exited; only its parent has not collected it yet
                continue
            survivors.append((process, " ".join(process.cmdline())[:80]))
            process.kill()  # so that one failure does not poison the next notebook
        except psutil.NoSuchProcess:
            pass
    return survivors


def discover(folders=DEFAULT_FOLDERS, root: Path | None = None) -> list[Path]:
    root = root or paths.lessons_root()
    return sorted(p for folder in folders for p in (root / folder).glob("*.ipynb"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="authlab run", description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks to run (default: every lesson in notebooks/)")
    parser.add_argument("--runs", type=int, default=1,
                        help="Run All this many times in one kernel (default 1)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per cell (default 60)")
    options = parser.parse_args(argv)
    paths = options.paths or discover()
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"authlab run: no such notebook: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    failed = 0
    total = time.perf_counter()
    for path in paths:
        result = execute(path, runs=options.runs, timeout=options.timeout)
        print(result, flush=True)
        failed += not result.ok
    print(f"{len(paths) - failed} passed, {failed} failed in {time.perf_counter() - total:.1f} s")
    return 1 if failed else 0
