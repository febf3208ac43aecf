"""authlab grade on hostile submissions: each gets the right score, a reason, and the batch ends in bounded time."""

import csv
import socket

import nbformat
import psutil
import pytest
from wrong_variants import edited, variants

from authlab.grading import command, grader, judge, pids, sandbox, source
from authlab.grading.source import all_labs, find_lab

LAB = find_lab("lab1")
CELL_TIMEOUT = 15
PORT = 47219  # a fixed port two submissions both grab and never release
FULL = {"check_passwords_hashed": 3}  # the only test cell above the app cell
NONE = {}


def _variant(name):
    return next(v for v in variants("lab1") if v.name == name).edits


def _prepend(cell_start, code):
    """Edit that puts ``code`` at the top of the cell starting with ``cell_start``."""
    return {cell_start: code + "\n" + cell_start}


REGISTER = "def register(username: str, password: str) -> None:"  # every check needs register()
APP = 'app = Flask("lab1")'
LEAVE_SERVER = f"""
import socket
held = socket.socket()
held.bind(("127.0.0.1", {PORT}))
held.listen()
authlab_server = __import__("authlab").serve(app, name="left-running", show=False)
"""
MONKEYPATCH = """
import sys
import authlab.checks
import authlab.checks._core
authlab.checks.lab1.check_cookie_flags = lambda *args: None
sys.modules["authlab.checks.lab1"].check_cookie_flags = lambda *args: None
authlab.checks._core.fail = lambda *args: None
"""


def _appended(notebook, code):
    notebook.cells.append(nbformat.v4.new_code_cell(code))
    return notebook


def _without(notebook, grade_id):
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return notebook


def _replaced(notebook, grade_id, source):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return notebook


# name -> (notebook, scores that must be earned (all other checks must be 0), words the problems must contain)
def _cases():
    solution = LAB.source
    every = {grade_id: points for grade_id, points in _points().items()}
    return {
        "raises": (edited(solution, _prepend(APP, 'raise RuntimeError("half-finished")')), FULL, ""),
        "loops": (edited(solution, _prepend(REGISTER, "while True:\n    pass")), NONE, "interrupted"),
        "loops_ignoring_interrupt": (
            edited(solution, _prepend(REGISTER, "while True:\n    try:\n        time.sleep(0.05)\n"
                                                "    except KeyboardInterrupt:\n        pass")),
            NONE, "ignored the interrupt"),
        "sys_exit": (edited(solution, _prepend(REGISTER, "import sys\nsys.exit('bye')")), NONE, ""),
        "os_exit": (edited(solution, _prepend(REGISTER, "import os\nos._exit(3)")), NONE, "died"),
        "leaves_server": (_appended(edited(solution, {}), LEAVE_SERVER), every, ""),
        "leaves_server_too": (_appended(edited(solution, {}), LEAVE_SERVER), every, ""),
        "prints_megabytes": (edited(solution, _prepend(REGISTER, 'print("x" * 5_000_000)')), every, ""),
        "edits_test_cell": (
            _replaced(edited(solution, _variant("profile_no_greeting")), "check_login", 'print("all good")'),
            _but(every, "check_login"), "check_login was edited"),
        "deletes_test_cell": (
            _without(edited(solution, _variant("logout_keeps_session")), "check_logout"),
            _but(every, "check_logout"), "check_logout was missing"),
        "monkeypatches_checks": (
            _appended(edited(solution, _variant("cookie_not_httponly")), MONKEYPATCH),
            _but(every, "check_cookie_flags"), ""),
        "empty_notebook": (nbformat.v4.new_notebook(), {}, "none of the lab's cells"),
        "not_json": ("{this is not a notebook", {}, "not a readable notebook"),
    }


def _points():
    notebook = nbformat.read(LAB.source, as_version=4)
    return {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader["points"])
            for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")}


def _but(scores, grade_id):
    return {key: value for key, value in scores.items() if key != grade_id}


@pytest.fixture(scope="module")
def children_before() -> set[int]:
    """Processes this test process already had (other test modules' servers, under xdist)."""
    return {process.pid for process in psutil.Process().children(recursive=True)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, children_before):
    folder = tmp_path_factory.mktemp("submissions")
    cases = _cases()
    for name, (notebook, _, _) in cases.items():
        path = folder / f"{name}.ipynb"
        if isinstance(notebook, str):
            path.write_text(notebook)
        else:
            nbformat.write(notebook, path)
    students = grader.submissions([folder], LAB)
    results = grader.grade_all(LAB, students, cell_timeout=CELL_TIMEOUT, notebook_timeout=300, progress=False)
    return cases, {result.student: result for result in results}, folder


CASES = list(_cases())


@pytest.mark.parametrize("name", CASES)
def test_hostile_submission_gets_the_right_score(graded, name):
    cases, results, _ = graded
    _, earned, words = cases[name]
    result = results[name]
    scores = {check.grade_id: check.points for check in result.checks}
    expected = {grade_id: earned.get(grade_id, 0.0) for grade_id in _points()}
    assert scores == expected, {c.grade_id: c.reason for c in result.checks if c.points != expected[c.grade_id]}
    assert words in " ".join(result.problems), result.problems
    for check in result.checks:
        assert check.passed or check.reason, f"{check.grade_id} lost points without a reason"
    assert result.seconds < 330  # the per-notebook limit, plus kernel start and shutdown


def test_nothing_is_left_running_and_the_port_is_free(graded, children_before):
    left = [process for process in psutil.Process().children(recursive=True) if process.pid not in children_before]
    assert not left
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", PORT))


def test_csv_and_feedback_pages(graded, tmp_path):
    _, results, _ = graded
    ordered = sorted(results.values(), key=lambda r: r.student)
    grader.write_csv(ordered, tmp_path / "grades.csv")
    grader.write_feedback(ordered, LAB, tmp_path / "feedback")
    rows = list(csv.DictReader(open(tmp_path / "grades.csv")))
    assert [row["student"] for row in rows] == [r.student for r in ordered]
    assert {row["student"]: float(row["total"]) for row in rows}["raises"] == sum(FULL.values())
    assert list(rows[0])[1:-4] == list(_points())
    assert {row["isolation"] for row in rows} == {judge.isolation()}
    assert judge.isolation().startswith("sandbox: cells in bubblewrap, checks outside; ")
    page = (tmp_path / "feedback" / "os_exit.html").read_text()
    assert "died" in page and f"0 of {sum(_points().values()):.0f} points" in page
    big = (tmp_path / "feedback" / "prints_megabytes.html").stat().st_size
    assert big < 200_000, f"feedback of a notebook printing 5 MB is {big} bytes"
    page = (tmp_path / "feedback" / "monkeypatches_checks.html").read_text()
    assert "HttpOnly" in page


def test_students_are_named_by_file_or_by_folder(tmp_path):
    for path in ("downloads/alice_123.ipynb", "submitted/bob/lab1/lab1_sessions.ipynb",
                 "submitted/bob/lab2/lab2_jwt_header.ipynb", "downloads/carol_lab3_jwt_cookie.ipynb",
                 "downloads/lab4_compare.ipynb",
                 "downloads/.ipynb_checkpoints/alice_123-checkpoint.ipynb", "other/alice_123.ipynb"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("{}")
    found = grader.submissions([tmp_path / "downloads", tmp_path / "submitted", tmp_path / "other"], LAB, all_labs())
    assert sorted(found) == ["alice_123", "alice_123-2", "bob", "carol_lab3_jwt_cookie"]


def test_command_refuses_unknown_lab_and_empty_input(tmp_path, capsys):
    assert command.main(["--lab", "lab99", str(tmp_path)]) == 2
    assert "no lab called 'lab99'" in capsys.readouterr().err
    assert command.main(["--lab", "lab1", str(tmp_path)]) == 2
    assert "no .ipynb files" in capsys.readouterr().err


def test_labs_check_fails_where_there_are_no_labs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUTHLAB_COURSE_DIR", str(tmp_path))
    assert source.main(["--check"]) == 2
    assert "has no solutions/lab*_*.ipynb" in capsys.readouterr().err


@pytest.mark.skipif(bool(sandbox.unavailable()), reason="the first line would be about the missing sandbox")
def test_no_process_limit_is_said_first_and_in_the_csv(tmp_path, monkeypatch, capsys):
    """Root where no pids cgroup can be made (this machine has one): RLIMIT_NPROC does not bind root."""
    monkeypatch.setattr(pids, "_base", lambda: None)
    monkeypatch.setattr(pids.os, "getuid", lambda: 0)
    pids.cap.cache_clear()
    try:
        assert command.main(["--lab", "lab1", str(tmp_path)]) == 2  # no notebooks, after the first line
        assert capsys.readouterr().out.splitlines()[0].startswith("authlab grade: NO PROCESS LIMIT: the grader runs "
                                                                  "as root")
        assert "NO PROCESS LIMIT" in judge.isolation()
    finally:
        pids.cap.cache_clear()
