"""``authlab grade``: grade a folder of submitted lab notebooks on every core, with feedback.

    authlab grade --lab lab1 downloads/ -o grades.csv
    authlab grade --lab lab1 course/submitted/          # nbgrader's layout: only the lab1 notebooks

Each submission's cells run in a sandbox and the grader's own checks judge it from
outside (authlab.grading.judge); where no sandbox can be had, the first line says so
and the checks run in the students' kernels, as nbgrader does.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from authlab import paths
from authlab.grading import bench, pids, sandbox
from authlab.grading.grader import grade_all, submissions, write_csv, write_feedback
from authlab.grading.source import UnknownLabError, all_labs, find_lab
from authlab.paths import CourseNotFound


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="authlab grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="*", type=Path, help="notebooks or folders of notebooks")
    parser.add_argument("--lab", required=True, help="lab id, e.g. lab1")
    parser.add_argument("-o", "--output", type=Path, default=Path("grades.csv"), help="CSV to write (grades.csv)")
    parser.add_argument("--feedback", type=Path, help="folder for the feedback pages (default: feedback/ next to -o)")
    parser.add_argument("--workers", type=int, help="processes in parallel (default: one per core)")
    parser.add_argument("--timeout", type=int, default=30, help="seconds per cell before it is interrupted (30)")
    parser.add_argument("--notebook-timeout", type=int, default=300, help="seconds per notebook (300)")
    parser.add_argument("--bench", action="store_true",
                        help="grade copies of the solution and compare with sequential `nbgrader autograde`")
    parser.add_argument("--copies", type=int, default=40, help="submissions graded by --bench (40)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run the checks in the students' kernels, as nbgrader does (can be fooled)")
    parser.add_argument("--course-dir", type=Path, help="the course folder with solutions/ (default: the current "
                        "folder or one above it)")
    parser.add_argument("--gradebook", metavar="DB_URL", help="also write the scores into this nbgrader gradebook, "
                        "e.g. sqlite:///course/gradebook.db (after `nbgrader generate_assignment`), and the "
                        "autograded/ notebooks that `nbgrader generate_feedback` and the formgrader read")
    parser.add_argument("--autograded", type=Path, help="with --gradebook: the autograded/ folder to write (default: "
                        "next to a SQLite gradebook, else in the current folder)")
    options = parser.parse_args(argv)
    if options.course_dir:
        os.environ[paths.ENVIRONMENT] = str(options.course_dir)
    unsafe = "--no-sandbox was given" if options.no_sandbox else sandbox.unavailable()
    if unsafe:
        print(f"authlab grade: NO SANDBOX ({unsafe}): the checks run in the students' own kernels, as in "
              "nbgrader, and a determined student can fool them; read surprising full marks yourself", flush=True)
    elif pids.cap(sandbox.PROCESSES)[0] is None:
        print(f"authlab grade: {pids.cap(sandbox.PROCESSES)[1]}", flush=True)
    try:
        lab = find_lab(options.lab)
    except (UnknownLabError, CourseNotFound) as error:
        print(f"authlab grade: {error}", file=sys.stderr)
        return 2
    if options.bench:
        return bench.run(lab, options.copies, options.workers)
    students = submissions(options.submissions, lab, all_labs())
    if not students:
        print("authlab grade: no .ipynb files among the given paths", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = grade_all(lab, students, options.workers, options.timeout, options.notebook_timeout,
                        sandbox=not options.no_sandbox)
    seconds = time.perf_counter() - started
    feedback_dir = options.feedback or options.output.parent / "feedback"
    write_csv(results, options.output)
    write_feedback(results, lab, feedback_dir)
    if options.gradebook:
        from authlab.grading.gradebook import default_folder, record

        autograded = options.autograded or default_folder(options.gradebook)
        print(f"wrote {record(results, lab, options.gradebook, autograded)} scores into {options.gradebook} "
              f"and {len(results)} notebooks into {autograded}/")
    print(f"graded {len(results)} notebooks in {seconds:.1f} s ({len(results) / seconds:.2f}/s); "
          f"grades in {options.output}, feedback in {feedback_dir}/")
    for result in results:
        if result.problems:
            print(f"  {result.student}: " + "; ".join(result.problems))
    return 0
