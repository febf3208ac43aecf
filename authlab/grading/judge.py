"""Grade one submission you cannot trust: its cells run in a sandbox, the grader's checks judge it from outside.

The submission contributes only its code cells. Test cells (whatever their metadata
says now), the cells that call ``authlab.checks`` and the lab's given, locked cells
come from the lab's source: given cells run as the source has them, test cells never
run inside. After the cells ran, the checker runs every test cell of the source,
hidden tests included, against the sandbox's kernel, and the points are its verdicts.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat

from authlab.checks import remote
from authlab.grading import pids
from authlab.grading.autograde import SANDBOX, Job, Result, one_line, restored_notes, zeros
from authlab.grading.sandbox import PROCESSES, sandboxed


def isolation() -> str:
    """The CSV's isolation column for a sandboxed submission: the sandbox and how its processes are capped."""
    return f"{SANDBOX}; {pids.cap(PROCESSES)[1]}"


def cells_to_run(notebook, job: Job) -> tuple[list[str], list[str]]:
    """The code cells the sandbox runs, and notes on cells that were replaced or left out."""
    cells, notes = [], []
    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if meta.get("grade") or grade_id in job.checker_cells:
            continue  # the checker runs the source's test cells itself
        if grade_id in job.given:
            if cell.source != job.given[grade_id]:
                notes.append(f"the given cell {grade_id} was edited; the lab's version ran instead")
            cells.append(job.given[grade_id])
            continue
        cells.append(cell.source)
    ids = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in notebook.cells}
    if not ids & (set(job.given) | set(job.checker_cells)):
        notes.append("the notebook holds none of the lab's cells (is it the released lab, started from the top?)")
    return cells, notes


def _test_sources(notebook) -> dict[str, str]:
    return {cell.metadata.nbgrader["grade_id"]: cell.source for cell in notebook.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade") and "grade_id" in cell.metadata.nbgrader}


def grade(path: str | Path, student: str, job: Job) -> Result:
    """Grade ``path`` in a sandbox; never raises for anything the notebook contains."""
    started = time.perf_counter()
    result = Result(student, str(path), isolation=isolation())
    try:
        notebook = nbformat.read(path, as_version=4)
        cells, result.problems = cells_to_run(notebook, job)
        result.problems += restored_notes(_test_sources(notebook), job)
    except Exception as error:  # not JSON, not a notebook, unreadable file
        result.problems.append(f"not a readable notebook ({type(error).__name__}: {one_line(error)}); "
                               "nothing could be graded")
        result.checks = zeros(job, "the notebook could not be read")
        result.seconds = time.perf_counter() - started
        return result
    with sandboxed(cells, Path(job.runtime), job.cell_timeout, job.notebook_timeout) as box:
        if box.session is None:
            why = box.problem or ("the notebook's process died before its cells finished (os._exit, a kill or a "
                                  "crash)" + box.last_words())
            result.problems.append(f"{why}; nothing could be checked")
            result.checks = zeros(job, "not checked")
        else:
            result.problems += box.session.problems()
            box.session.channel.timeout = job.cell_timeout
            deadline = time.monotonic() + job.notebook_timeout
            result.checks = [remote.judge(box.session, cell, deadline) for cell in job.test_cells]
    if note := box.limit_note():  # known once the sandbox has ended
        result.problems.append(note)
    if box.cgroup is None and pids.cap(PROCESSES)[0] == "cgroup":
        result.problems.append("no pids cgroup could be made for this sandbox: its processes were not capped")
    result.seconds = time.perf_counter() - started  # the sandbox and all its processes are gone by now
    return result
