"""Grade a batch of submitted lab notebooks on every core: the CSV and one feedback page per student.

Each ``.ipynb`` is one student (named by its file, or by its folder when the file
keeps the lab's name, as in nbgrader's ``submitted/<student>/<lab>/``). In nbgrader's
layout only the notebooks of the lab being graded are taken.
"""

from __future__ import annotations

import concurrent.futures
import csv
import multiprocessing
import os
import tempfile
from pathlib import Path

import nbformat
from tqdm import tqdm

from authlab.checks import remote
from authlab.grading import autograde, feedback, judge
from authlab.grading import sandbox as sandbox_module
from authlab.grading.autograde import IN_KERNEL
from authlab.grading.source import Lab, gradebook


def submissions(paths: list[Path], lab: Lab, others: list[Lab] = ()) -> dict[str, Path]:
    """``{student: notebook}`` for the files and folders given (folders are searched recursively).

    A notebook in a folder named after another lab (``submitted/alice/lab2/``), or named
    after another lab's notebook, belongs to that lab and is left out.
    """
    foreign = {other.id for other in others if other.id != lab.id} | {
        other.notebook for other in others if other.id != lab.id}
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
                            and not foreign & {p.stem, p.parent.name})
        else:
            files.append(path)
    found: dict[str, Path] = {}
    for file in files:
        name = _student(file, lab)
        unique, n = name, 2
        while unique in found:
            unique, n = f"{name}-{n}", n + 1
        found[unique] = file
    return found


def _student(file: Path, lab: Lab) -> str:
    if file.stem not in (lab.notebook, lab.id):
        return file.stem
    for parent in file.parents:
        if parent.name not in (lab.id, "") and parent.name != "submitted":
            return parent.name
    return file.stem


def grade_all(
    lab: Lab,
    students: dict[str, Path],
    workers: int | None = None,
    cell_timeout: int = 30,
    notebook_timeout: int = 300,
    progress: bool = True,
    sandbox: bool = True,
) -> list[autograde.Result]:
    """Grade every submission with a pool of ``workers`` processes (default: one per core)."""
    workers = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix=f"authlab-gradebook-{lab.id}-") as folder:
        job = make_job(lab, Path(folder), cell_timeout, notebook_timeout, sandbox=sandbox)
        with tqdm(total=len(students), unit="notebook", desc=f"grading {lab.id}", disable=not progress) as bar:
            results, broken = _pool(students, job, workers, bar)
            for student in broken:  # a worker died and took the pool down: each again, alone
                more, still = _pool({student: students[student]}, job, 1, bar)
                results += more + [_not_graded(student, students[student], job) for student in still]
                bar.update(len(still))
    return sorted(results, key=lambda result: result.student)


def _pool(students: dict[str, Path], job: autograde.Job, workers: int, bar) -> tuple[list, list[str]]:
    """Grade ``students`` on ``workers`` processes; the results, and who was lost to a broken pool."""
    grade = judge.grade if job.runtime else autograde.grade
    # fork: the workers inherit the imported nbgrader instead of importing it again (seconds each)
    context = multiprocessing.get_context("fork")
    results, broken = [], []
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(grade, path, student, job): student for student, path in students.items()}
        for future in concurrent.futures.as_completed(futures):
            student = futures[future]
            try:
                results.append(future.result())
                bar.update()
            except concurrent.futures.process.BrokenProcessPool:
                broken.append(student)
            except Exception:
                results.append(_not_graded(student, students[student], job))
                bar.update()
    return results, broken


def _not_graded(student: str, path: Path, job: autograde.Job) -> autograde.Result:
    """The grader's worker died on this notebook, alone in its pool."""
    result = autograde.Result(student, str(path), isolation=judge.isolation() if job.runtime else IN_KERNEL)
    result.problems.append("the grader's worker process died on this notebook; nothing could be graded")
    result.checks = autograde.zeros(job, "not graded")
    return result


def make_job(lab: Lab, folder: Path, cell_timeout: int, notebook_timeout: int, sandbox: bool) -> autograde.Job:
    """What every worker needs; with ``sandbox`` (and one to be had) the checks run outside the notebook."""
    db_url, released = gradebook(lab, folder)
    source = nbformat.read(lab.source, as_version=4)
    tests = autograde.test_cells(released, source)
    if not sandbox or sandbox_module.unavailable():
        return autograde.Job(lab.id, lab.notebook, db_url, tests, cell_timeout, notebook_timeout)
    runtime = sandbox_module.build_runtime(folder / "runtime", lab.id)
    checker_cells, given = set(), {}
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and "grade_id" in meta:
            if "authlab.checks" in cell.source or meta.get("grade"):
                checker_cells.add(meta["grade_id"])
            elif meta.get("locked") and not meta.get("solution"):
                given[meta["grade_id"]] = cell.source
    return autograde.Job(lab.id, lab.notebook, db_url, tests, cell_timeout, notebook_timeout, str(runtime),
                         remote.test_cells(source), frozenset(checker_cells), given)


def write_csv(results: list[autograde.Result], path: Path) -> None:
    grade_ids = [check.grade_id for check in results[0].checks] if results else []
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student", *grade_ids, "total", "max", "problems", "isolation"])
        for result in results:
            points = {check.grade_id: f"{check.points:g}" for check in result.checks}
            writer.writerow([result.student, *(points.get(g, "0") for g in grade_ids),
                             f"{result.score:g}", f"{result.max_score:g}", " | ".join(result.problems),
                             result.isolation])


def write_feedback(results: list[autograde.Result], lab: Lab, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for result in results:
        (folder / f"{result.student}.html").write_text(feedback.render(result, lab.id), encoding="utf-8")
