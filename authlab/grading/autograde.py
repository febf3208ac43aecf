"""Grade one submitted notebook with nbgrader's autograde engine, whatever the notebook does.

The steps are those of ``nbgrader autograde``: sanitize (clear outputs, drop
duplicate ids, restore the kernelspec, restore every test cell from the source,
re-adding deleted ones), execute with a per-cell timeout, then score each test
cell with nbgrader's ``determine_grade``. On top of that:

- a test cell that never ran (the kernel died, the notebook ran out of time) scores
  zero, where nbgrader's rule "no error output" would give it full marks;
- each score comes with a one-line reason taken from the cell's error;
- outputs are capped, so a notebook printing megabytes yields a small feedback file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    Execute,
    OverwriteCells,
    OverwriteKernelspec,
)
from nbgrader.utils import determine_grade

from authlab.checks.remote import CheckScore, TestCell

MAX_OUTPUT_CHARS = 20_000
IN_KERNEL = "none: checks ran in the student's kernel"
SANDBOX = "sandbox: cells in bubblewrap, checks outside"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclasses.dataclass
class Result:
    """The grade of one submission: per-check scores and notebook-level problems."""

    student: str
    path: str
    checks: list[CheckScore] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    isolation: str = IN_KERNEL

    @property
    def score(self) -> float:
        return sum(check.points for check in self.checks)

    @property
    def max_score(self) -> float:
        return sum(check.max_points for check in self.checks)


@dataclasses.dataclass(frozen=True)
class Job:
    """What every worker needs to grade a submission of one lab."""

    lab_id: str
    notebook_id: str
    db_url: str
    tests: tuple[tuple[str, float, frozenset[str]], ...]  # (grade_id, points, accepted sources) per test cell
    cell_timeout: int = 30
    notebook_timeout: int = 300
    runtime: str | None = None  # the sandbox's stripped authlab; None: grade in the student's kernel, as nbgrader
    test_cells: tuple[TestCell, ...] = ()  # the source's test cells, as the checker runs them
    checker_cells: frozenset[str] = frozenset()  # grade_ids of cells that call authlab.checks
    given: dict[str, str] = dataclasses.field(default_factory=dict)  # grade_id -> source of locked given cells

    @property
    def grade_ids(self) -> list[tuple[str, float]]:
        return [(grade_id, points) for grade_id, points, _ in self.tests]


def test_cells(released, source) -> tuple[tuple[str, float, frozenset[str]], ...]:
    """(grade_id, points, {released text, source text}) of every test cell, in notebook order."""
    originals = _grade_cell_sources(source)
    return tuple(
        (grade_id, float(cell.metadata.nbgrader["points"]), frozenset({cell.source, originals.get(grade_id, "")}))
        for grade_id, cell in _grade_cells(released).items()
    )


def grade(path: str | Path, student: str, job: Job) -> Result:
    """Grade ``path``; never raises for anything the notebook contains."""
    started = time.perf_counter()
    result = Result(student, str(path))
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, not a notebook, unreadable file
        result.problems.append(f"not a readable notebook ({type(error).__name__}: {one_line(error)}); "
                               "nothing could be graded")
        result.checks = zeros(job, "the notebook could not be read")
        return _finish(result, started)
    try:
        submitted = _grade_cell_sources(notebook)
        notebook, resources = sanitize(notebook, student, job.lab_id, job.notebook_id, job.db_url)
        result.problems += restored_notes(submitted, job)
    except Exception as error:
        result.problems.append(f"the notebook's cell structure could not be matched to the lab "
                               f"({type(error).__name__}: {one_line(error)}); start again from the released lab")
        result.checks = zeros(job, "the notebook's structure is broken")
        return _finish(result, started)
    with tempfile.TemporaryDirectory(prefix=f"authlab-grade-{job.lab_id}-") as workdir:
        resources["metadata"] = {"path": workdir}
        result.problems += _execute(notebook, resources, job)
    try:
        result.checks = _score(notebook, job)
    except Exception as error:  # a notebook shaped in a way nbgrader's scoring does not expect
        result.problems.append(f"the executed notebook could not be scored ({type(error).__name__}: "
                               f"{one_line(error)})")
        result.checks = zeros(job, "not scored")
    return _finish(result, started)


def _finish(result: Result, started: float) -> Result:
    result.seconds = time.perf_counter() - started
    return result


def zeros(job: Job, reason: str) -> list[CheckScore]:
    return [CheckScore(grade_id, 0.0, points, reason) for grade_id, points in job.grade_ids]


def _grade_cells(notebook) -> dict:
    """``{grade_id: cell}`` of the test cells, in notebook order."""
    return {
        cell.metadata.nbgrader["grade_id"]: cell
        for cell in notebook.cells
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade") and "grade_id" in cell.metadata.nbgrader
    }


def _grade_cell_sources(notebook) -> dict[str, str]:
    return {grade_id: cell.source for grade_id, cell in _grade_cells(notebook).items()}


def sanitize(notebook, student: str, lab_id: str, notebook_id: str, db_url: str):
    """``nbgrader autograde``'s sanitize steps, test cells restored from the gradebook at ``db_url``."""
    resources = {"nbgrader": {"notebook": notebook_id, "assignment": lab_id, "student": student, "db_url": db_url}}
    steps = [ClearOutput(), DeduplicateIds(), OverwriteKernelspec(),
             OverwriteCells(add_missing_cells=True), CheckCellMetadata()]
    with _quiet_nbgrader():
        for step in steps:
            notebook, resources = step.preprocess(notebook, resources)
    return nbformat.from_dict(notebook), resources  # cells put back by OverwriteCells hold plain dicts


def restored_notes(submitted: dict[str, str], job: Job) -> list[str]:
    """Notes for test cells that the submission edited or deleted (restored by OverwriteCells)."""
    notes = []
    for grade_id, _, originals in job.tests:
        if grade_id not in submitted:
            notes.append(f"test cell {grade_id} was missing from the submission; the lab's own was used")
        elif submitted[grade_id] not in originals:
            notes.append(f"test cell {grade_id} was edited in the submission; the lab's own was used")
    return notes


def _execute(notebook, resources, job: Job) -> list[str]:
    """Run the notebook; return notebook-level problems (dead kernel, timeouts)."""
    executor = DeadlineExecute(
        timeout=job.cell_timeout,
        notebook_deadline=time.monotonic() + job.notebook_timeout,
        shutdown_kernel="immediate",
        iopub_timeout=4,
        extra_arguments=["--HistoryManager.hist_file=:memory:", "--Application.log_level=ERROR"],
    )
    problems = []
    try:
        with _quiet_nbgrader(), _environment(NBGRADER_EXECUTION="autograde"):
            executor.preprocess(notebook, resources)
    except DeadKernelError:
        index = executor.current_cell
        problems.append(f"the kernel died while running cell {index} (sys.exit, os._exit, exit() or a crash); "
                        "the cells after it were not run")
    except CellTimeoutError:
        problems.append(f"cell {executor.current_cell} ran longer than {job.cell_timeout} s and ignored the "
                        "interrupt; the kernel was stopped and the cells after it were not run")
    except Exception as error:  # kernel failed to start, protocol error: never crash the batch
        problems.append(f"execution stopped: {type(error).__name__}: {one_line(error)}")
    if executor.timed_out:
        problems += [f"cell {index} ran longer than {job.cell_timeout} s and was interrupted"
                     for index in executor.timed_out]
    if executor.skipped:
        problems.append(f"the notebook ran longer than {job.notebook_timeout} s; cells "
                        f"{executor.skipped[0]}–{executor.skipped[-1]} were not run")
    for cell in notebook.cells:
        _cap_outputs(cell)
    return problems


class DeadlineExecute(Execute):
    """nbgrader's Execute, remembering which cell runs and skipping cells past a notebook deadline."""

    def __init__(self, notebook_deadline: float, **kwargs):
        super().__init__(**kwargs)
        self.notebook_deadline = notebook_deadline
        self.current_cell = -1
        self.skipped: list[int] = []
        self.timed_out: list[int] = []

    def preprocess_cell(self, cell, resources, index):
        self.current_cell = index
        if cell.cell_type == "code" and time.monotonic() > self.notebook_deadline:
            self.skipped.append(index)
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out.append(self.current_cell)
        return await super()._async_handle_timeout(timeout, cell)


def _score(notebook, job: Job) -> list[CheckScore]:
    cells = _grade_cells(notebook)
    scores = []
    for grade_id, max_points in job.grade_ids:
        cell = cells.get(grade_id)
        if cell is None:
            scores.append(CheckScore(grade_id, 0.0, max_points, "the test cell is missing"))
            continue
        output = _text_output(cell)
        if cell.execution_count is None:
            scores.append(CheckScore(grade_id, 0.0, max_points, "not run (see the notebook problems above)", output))
            continue
        points, _ = determine_grade(cell)
        points = float(points or 0.0)
        reason = "" if points >= max_points else _reason(cell)
        scores.append(CheckScore(grade_id, points, max_points, reason, output))
    return scores


def _reason(cell) -> str:
    for output in cell.outputs:
        if output.output_type == "error":
            message = f"{output.ename}: {_ANSI.sub('', output.evalue).strip()}"
            if output.ename == "NameError":
                message += " (did an answer cell above fail, or was it deleted?)"
            if output.ename == "CellTimeoutError":
                message = "the check did not finish in time (a view that loops forever?)"
            return _clip(message, 500)
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stderr":
            return _clip(f"the cell wrote to stderr: {output.text.strip()}", 500)
    return "partial credit"


def _text_output(cell) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {_ANSI.sub('', output.evalue)}\n")
    return _clip("".join(parts), 4000)


def _cap_outputs(cell) -> None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and len(output.text) > MAX_OUTPUT_CHARS:
            dropped = len(output.text) - MAX_OUTPUT_CHARS
            output.text = output.text[:MAX_OUTPUT_CHARS] + f"\n... {dropped} more characters not kept ...\n"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(error: BaseException) -> str:
    text = str(error).strip()
    return _clip(text.splitlines()[0], 200) if text else "(no message)"


@contextlib.contextmanager
def _quiet_nbgrader():
    """nbgrader logs every restored cell as a warning; the result says it in one line instead."""
    loggers = [logging.getLogger(name) for name in ("traitlets", "NbGraderPreprocessor", "nbgrader")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@contextlib.contextmanager
def _environment(**values: str):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
