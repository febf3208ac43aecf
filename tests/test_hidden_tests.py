"""Hidden tests in feedback: their verdict and failure reason reach the student, never their source or ✔ lines.

nbgrader itself puts hidden tests back whole into autograded/ and its feedback shows them
(jupyter/nbgrader#917, open). authlab's checker keeps a hidden check's verdict and reason but
drops its ✔ lines, and INSTRUCTORS.md's nbgrader_config.py adds nbgrader's own ClearHiddenTests
to generate_feedback, so the feedback page shows the visible part of the cell only. The checks
run for real, against lab4's solved (and a broken) `percentile` over the real channel.
"""

import html
import re
import shutil
import socket

import nbformat
import pytest

from authlab.checks import remote
from authlab.checks.channel import Channel
from authlab.checks.harness import Harness
from authlab.grading import feedback, gradebook
from authlab.grading.autograde import Result
from authlab.grading.bench import _nbgrader, nbgrader_course
from authlab.grading.source import find_lab

LAB = find_lab("lab4")
SOURCE = nbformat.read(LAB.source, as_version=4)
CELL = next(cell for cell in remote.test_cells(SOURCE) if cell.grade_id == "check_statistics")
ANSWER = next(cell.source for cell in SOURCE.cells if cell.metadata.get("nbgrader", {}).get("grade_id")
              == "answer_statistics")
WRONG_ON_LARGE_SAMPLES = ANSWER + """
_right = percentile
def percentile(samples, q):
    return _right(samples, q) if len(samples) < 100 else 0.0
"""
HIDDEN_PASS = "random samples of 101 and 200 values"  # the ✔ line of the hidden check_statistics_random


def _judged(answer: str) -> remote.CheckScore:
    namespace: dict = {}
    exec("import math\n" + answer, namespace)
    kernel, checker = socket.socketpair()
    harness = Harness(namespace)
    kernel_side = Channel(kernel, "kernel", guarded=False, handlers=harness.handlers())
    session = remote.Session(Channel(checker, "checker", guarded=True))
    try:
        return remote.judge(session, CELL)
    finally:
        session.channel.close()
        kernel_side.close()


@pytest.fixture(scope="module")
def honest():
    return _judged(ANSWER)


def test_the_hidden_calls_are_known():
    assert [(call.check, call.hidden) for call in CELL.calls] == [("check_statistics", False),
                                                                  ("check_statistics_random", True)]


def test_a_pass_shows_the_visible_checks_lines_only(honest):
    assert honest.passed
    assert "✔" in honest.output and HIDDEN_PASS not in honest.output
    assert honest.description == remote.description(CELL.calls[0])


def test_a_hidden_failure_shows_its_verdict_and_reason():
    wrong = _judged(WRONG_ON_LARGE_SAMPLES)
    assert wrong.points == 0
    assert wrong.reason.startswith("CheckFailed: ") and wrong.reason.endswith(" (a hidden test)"), wrong.reason
    assert "(<101 random samples>) returned 0.0" in wrong.reason  # the input sent and what came back
    assert "✔" in wrong.output and HIDDEN_PASS not in wrong.output  # the visible check passed, and says so


def test_authlab_feedback_page_has_no_hidden_source_or_passes(honest):
    page = feedback.render(Result("alice", "alice.ipynb", checks=[honest]), LAB.id)
    assert "check_statistics_random" not in page and "HIDDEN" not in page and HIDDEN_PASS not in page


def test_nbgrader_feedback_has_no_hidden_source_or_passes(honest, tmp_path, monkeypatch):
    course = nbgrader_course(LAB, tmp_path)
    submitted = course / "submitted" / "alice" / LAB.id / f"{LAB.notebook}.ipynb"
    submitted.parent.mkdir(parents=True)
    shutil.copy(LAB.source, submitted)
    checks = [honest if cell.grade_id == CELL.grade_id else remote.CheckScore(cell.grade_id, 0.0, cell.points, "x")
              for cell in remote.test_cells(SOURCE)]
    gradebook.record([Result("alice", str(submitted), checks=checks)], LAB, f"sqlite:///{course / 'gradebook.db'}",
                     course / "autograded")
    autograded = (course / "autograded" / "alice" / LAB.id / f"{LAB.notebook}.ipynb").read_text()
    assert "check_statistics_random" in autograded  # restored for the teacher, as nbgrader does
    monkeypatch.chdir(course)
    _nbgrader(course, "generate_feedback", LAB.id)
    page = (course / "feedback" / "alice" / LAB.id / f"{LAB.notebook}.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "lab4.check_statistics(median, percentile)" in text
    assert "check_statistics_random" not in text and "HIDDEN" not in text and HIDDEN_PASS not in text
    assert re.search(r"Score: 3\.0 / 3\.0", text)
