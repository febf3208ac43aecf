"""authlab grade --gradebook: the checker's scores reach nbgrader's gradebook and autograded/ notebooks, so real
`nbgrader generate_feedback`, the formgrader's API and `nbgrader export` show them."""

import csv
import html
import re
import shutil

import nbformat
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from authlab.grading import command
from authlab.grading.bench import _nbgrader, nbgrader_course
from authlab.grading.source import find_lab

LAB = find_lab("lab1")
FAKE = "✔ every check passed: 22 of 22 points"


def _liar():
    """The released lab, its test cells already showing passes, and a cell that prints more of them."""
    notebook = nbformat.read(LAB.released, as_version=4)
    for cell in notebook.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=FAKE + "\n")]
    notebook.cells.append(nbformat.v4.new_code_cell(f"print({FAKE!r})"))
    return notebook


def _text(page):
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_scores_reach_autograded_feedback_and_export(tmp_path, monkeypatch):
    course = nbgrader_course(LAB, tmp_path)
    for student, notebook in (("alice", LAB.source), ("bob", LAB.released), ("mallory", None)):
        target = course / "submitted" / student / LAB.id
        target.mkdir(parents=True)
        if notebook is None:
            nbformat.write(_liar(), target / f"{LAB.notebook}.ipynb")
        else:
            shutil.copy(notebook, target / f"{LAB.notebook}.ipynb")
        (target / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    assert command.main(["--lab", "lab1", str(course / "submitted"), "-o", str(tmp_path / "grades.csv"),
                         "--gradebook", db_url]) == 0
    for student in ("alice", "bob", "mallory"):
        autograded = course / "autograded" / student / LAB.id
        assert (autograded / "timestamp.txt").is_file()
        notebook = nbformat.read(autograded / f"{LAB.notebook}.ipynb", as_version=4)
        nbformat.validate(notebook)
        shown = [output for cell in notebook.cells for output in cell.get("outputs", [])]
        assert FAKE not in str(shown)  # nothing the submission showed or printed is kept
    monkeypatch.chdir(course)
    _nbgrader(course, "generate_feedback", LAB.id)
    totals = {}
    for student in ("alice", "bob", "mallory"):
        page = _text((course / "feedback" / student / LAB.id / f"{LAB.notebook}.html").read_text())
        totals[student] = re.search(r"Score: ([\d.]+) / 22\.0", page).group(1)
        assert page.count(FAKE) == (student == "mallory")  # only as the source of mallory's cell
    assert totals == {"alice": "22.0", "bob": "0.0", "mallory": "0.0"}
    alice = _text((course / "feedback" / "alice" / LAB.id / f"{LAB.notebook}.html").read_text())
    assert "✔ POST /login with the right password returned 200" in alice  # the checker's own lines
    formgrader = NbGraderAPI(CourseDirectory(root=str(course)))  # what the formgrader lists
    listed = {row["student"]: (row["autograded"], row["score"]) for row in formgrader.get_submissions(LAB.id)}
    assert listed == {"alice": (True, 22.0), "bob": (True, 0.0), "mallory": (True, 0.0)}
    _nbgrader(course, "export", "--to", str(tmp_path / "export.csv"))
    exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(open(tmp_path / "export.csv"))}
    assert exported == {"alice": 22.0, "bob": 0.0, "mallory": 0.0}
