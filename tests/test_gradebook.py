"""authlab grade --gradebook: the sandbox's scores land in nbgrader's gradebook, and `nbgrader export` shows them."""

import csv
import shutil

from authlab.grading import command
from authlab.grading.bench import _nbgrader, nbgrader_course
from authlab.grading.source import find_lab

LAB = find_lab("lab1")


def test_scores_reach_nbgrader_export(tmp_path, monkeypatch):
    course = nbgrader_course(LAB, tmp_path)
    for student, notebook in (("alice", LAB.source), ("bob", LAB.released)):
        target = course / "submitted" / student / LAB.id
        target.mkdir(parents=True)
        shutil.copy(notebook, target / f"{LAB.notebook}.ipynb")
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    assert command.main(["--lab", "lab1", str(course / "submitted"), "-o", str(tmp_path / "grades.csv"),
                         "--gradebook", db_url]) == 0
    monkeypatch.chdir(course)
    _nbgrader(course, "export", "--to", str(tmp_path / "export.csv"))
    exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(open(tmp_path / "export.csv"))}
    assert exported == {"alice": 22.0, "bob": 0.0}
