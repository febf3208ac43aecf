"""Hand ``authlab grade``'s trusted scores to nbgrader: its gradebook and the ``autograded/`` notebooks.

The assignment must be in the gradebook already (``nbgrader generate_assignment`` puts it
there, with the source's cells). For each student this writes what ``nbgrader autograde``
would leave, but from the checker's verdicts: the submission sanitized by nbgrader's own
preprocessors (test cells restored from the gradebook, hidden tests included, checksums
and ``grade_id``s as nbgrader keeps them), each test cell's output the checker's output and
verdict (an error output when it failed, so nbgrader's ``determine_grade`` agrees), the
grades and comments saved by nbgrader's ``SaveAutoGrades``, then every auto score set to the
checker's points through the Gradebook API. ``nbgrader generate_feedback``, ``release_feedback``,
``export`` and the formgrader then show the trusted scores. Nothing the sandbox printed is kept.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import nbformat
from nbformat.v4 import new_output
from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

from authlab.grading.autograde import Result, sanitize
from authlab.grading.source import Lab, release

COURSE_ID = "authlab"


def default_folder(db_url: str) -> Path:
    """``autograded/`` in the course folder: next to a SQLite gradebook, else the current folder (nbgrader's root)."""
    prefix = "sqlite:///"
    return (Path(db_url[len(prefix):]).parent if db_url.startswith(prefix) else Path(".")) / "autograded"


def record(results: list[Result], lab: Lab, db_url: str, autograded: Path, course_id: str = COURSE_ID) -> int:
    """Write every result into the gradebook at ``db_url`` and into ``autograded/``; the number of scores written."""
    with Gradebook(db_url, course_id) as book, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's add_submission autoflushes early (SQLAlchemy 2)
        for result in results:
            book.update_or_create_student(result.student)
            timestamp = _timestamp(result, lab)
            book.update_or_create_submission(lab.id, result.student, **({"timestamp": timestamp} if timestamp else {}))
    for result in results:
        folder = autograded / result.student / lab.id
        folder.mkdir(parents=True, exist_ok=True)
        for extra in _submission_files(result, lab):  # timestamp.txt, submission_secret.txt: release_feedback's
            shutil.copy(extra, folder / extra.name)
        nbformat.write(autograded_notebook(result, lab, db_url), folder / f"{lab.notebook}.ipynb")
    written = 0
    with Gradebook(db_url, course_id) as book:
        for result in results:
            for check in result.checks:
                grade = book.find_grade(check.grade_id, lab.notebook, lab.id, result.student)
                grade.auto_score = check.points
                grade.needs_manual_grade = False
                written += 1
        book.db.commit()
    return written


def autograded_notebook(result: Result, lab: Lab, db_url: str) -> nbformat.NotebookNode:
    """The submission as nbgrader's autograde would leave it, each test cell showing the checker's verdict."""
    try:
        notebook, resources = sanitize(nbformat.read(result.path, as_version=4), result.student, lab.id,
                                       lab.notebook, db_url)
    except Exception:  # unreadable or unmatchable: the released lab stands in (and scores what the checker gave)
        notebook, resources = sanitize(release(lab), result.student, lab.id, lab.notebook, db_url)
    checks = {check.grade_id: check for check in result.checks}
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code":
            cell.outputs = []
            if meta.get("grade"):
                cell.outputs = _outputs(checks.get(meta.get("grade_id")))
    SaveAutoGrades().preprocess(notebook, resources)
    return notebook


def _outputs(check) -> list:
    """The checker's ✔ lines, and its reason as an error output when the check failed (or was not run)."""
    if check is None:
        return [new_output("error", ename="NotGraded", evalue="authlab grade ran no check for this cell",
                           traceback=["authlab grade ran no check for this cell"])]
    outputs = [new_output("stream", name="stdout", text=check.output)] if check.output.strip() else []
    if not check.passed:
        reason = check.reason or "failed"
        outputs.append(new_output("error", ename="CheckFailed", evalue=reason, traceback=[f"✘ {reason}"]))
    return outputs


def _submission_files(result: Result, lab: Lab) -> list[Path]:
    """The files nbgrader's collect put next to the notebook (``submitted/<student>/<lab>/``), if it is there."""
    folder = Path(result.path).parent
    if folder.name != lab.id or folder.parent.name != result.student:
        return []
    return sorted(path for path in folder.iterdir() if path.is_file() and path.suffix != ".ipynb")


def _timestamp(result: Result, lab: Lab):
    for path in _submission_files(result, lab):
        if path.name == "timestamp.txt" and (text := path.read_text(encoding="utf-8").strip()):
            return parse_utc(text)
    return None
