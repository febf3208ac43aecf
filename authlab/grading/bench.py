"""``authlab grade --lab lab1 --bench``: ``authlab grade`` against sequential ``nbgrader autograde``.

Both grade the same copies of the solved lab in the same run: ``nbgrader autograde``
through its real command line in a temporary course directory with a gradebook,
``authlab grade`` with its process pool. Prints submissions per second of each, the
ratio, and whether every per-check score agrees.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from authlab.grading.gradebook import COURSE_ID
from authlab.grading.grader import grade_all
from authlab.grading.source import Lab

# nbgrader's feedback steps with its ClearHiddenTests between them: students' feedback shows no hidden-test source
FEEDBACK_PREPROCESSORS = ("nbgrader.preprocessors.GetGrades", "nbgrader.preprocessors.ClearHiddenTests",
                          "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor")


def _nbgrader(course: Path, *args: str) -> None:
    """Run the real ``nbgrader`` command of this environment inside ``course``."""
    bin_dir = str(Path(sys.executable).parent)  # nbgrader calls `alembic` by name
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    command = [os.path.join(bin_dir, "nbgrader"), *args, "--log-level=ERROR"]
    done = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def nbgrader_course(lab: Lab, folder: Path, cell_timeout: int = 30) -> Path:
    """A course directory with the lab in source/ and its assignment generated (gradebook.db)."""
    course = folder / "course"
    (course / "source" / lab.id).mkdir(parents=True)
    shutil.copy(lab.source, course / "source" / lab.id / lab.source.name)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Execute.timeout = {cell_timeout}\n"
        f"c.GenerateFeedback.preprocessors = {list(FEEDBACK_PREPROCESSORS)!r}\n"
    )
    _nbgrader(course, "generate_assignment", lab.id, "--force")
    return course


def nbgrader_autograde(lab: Lab, course: Path, students: dict[str, Path]) -> dict[str, dict[str, float]]:
    """Grade ``{student: notebook}`` with ``nbgrader autograde``; ``{student: {grade_id: points}}``."""
    from nbgrader.api import Gradebook

    for student, path in students.items():
        target = course / "submitted" / student / lab.id
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / f"{lab.notebook}.ipynb")
    _nbgrader(course, "autograde", lab.id, "--force")
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as book:
        for student in students:
            notebook = book.find_submission_notebook(lab.notebook, lab.id, student)
            scores[student] = {grade.name: float(grade.score) for grade in notebook.grades if grade.max_score > 0}
    return scores


def sandbox_cost(lab: Lab, rounds: int = 5) -> float | None:
    """Median seconds of a sandbox that runs no cell: what isolation adds to every submission."""
    from authlab.grading import sandbox

    if sandbox.unavailable():
        return None
    times = []
    with tempfile.TemporaryDirectory(prefix="authlab-bench-runtime-") as folder:
        runtime = sandbox.build_runtime(Path(folder), lab.id)
        for _ in range(rounds):
            started = time.perf_counter()
            with sandbox.sandboxed([], runtime, 30, 60) as box:
                assert box.session is not None, box.last_words()
            times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def run(lab: Lab, copies: int, workers: int | None) -> int:
    with tempfile.TemporaryDirectory(prefix="authlab-bench-") as folder:
        folder = Path(folder)
        (folder / "submissions").mkdir()
        students = {}
        for index in range(copies):
            students[f"student{index:02d}"] = folder / "submissions" / f"student{index:02d}.ipynb"
            shutil.copy(lab.source, students[f"student{index:02d}"])
        print(f"grading {copies} copies of {lab.source.name}")

        started = time.perf_counter()
        results = grade_all(lab, students, workers)
        ours = time.perf_counter() - started

        course = nbgrader_course(lab, folder)
        started = time.perf_counter()
        theirs_scores = nbgrader_autograde(lab, course, students)
        theirs = time.perf_counter() - started

    cost = sandbox_cost(lab)
    ours_scores = {r.student: {c.grade_id: c.points for c in r.checks} for r in results}
    agree = ours_scores == theirs_scores
    print(f"  authlab grade ({workers or os.cpu_count()} workers): {ours:7.1f} s  {copies / ours:5.2f} submissions/s")
    print(f"  nbgrader autograde (sequential):  {theirs:7.1f} s  {copies / theirs:5.2f} submissions/s"
          " (after generate_assignment)")
    print(f"  speed-up: {theirs / ours:.2f}x   scores identical: {'yes' if agree else 'NO'}")
    if cost is not None:
        print(f"  sandbox cost per submission: {1000 * cost:.0f} ms (start, harness up, checker connected, all killed;"
              " median of 5, no cells)")
    if not agree:
        for student in sorted(ours_scores):
            if ours_scores[student] != theirs_scores.get(student):
                print(f"    {student}: authlab {ours_scores[student]} vs nbgrader {theirs_scores.get(student)}")
    return 0 if agree else 1
