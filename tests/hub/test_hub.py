"""The course on a real JupyterHub: three students on one host, isolation, and nbgrader's exchange."""

from __future__ import annotations

import csv
import io
import pwd
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import pytest
import requests
from hubenv import INSTRUCTOR, ROOT, STUDENTS
from remote_kernel import RemoteKernel

pytestmark = pytest.mark.hub  # one file: under --dist loadfile one worker runs the whole hub

LESSONS = [name for name in ("00_start_here", "03_jwt") if (ROOT / "notebooks" / f"{name}.ipynb").exists()]
SECRET_PAGE = """
import authlab, flask
app = flask.Flask("private")

@app.get("/")
def private():
    return "only for {user}"

server = authlab.serve(app, owner_only={owner_only})
print(server.port)
"""
FETCH_AS_KERNEL = """
import urllib.request, urllib.error
try:
    print(urllib.request.urlopen("http://127.0.0.1:{port}/", timeout=5).status)
except urllib.error.HTTPError as error:
    print(error.code)
"""


def _code_cells(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def _user_memory_mb(user: str) -> float:
    total = 0
    for process in psutil.process_iter(["username", "memory_info"]):
        if process.info["username"] == user and process.info["memory_info"]:
            total += process.info["memory_info"].rss
    return total / 2**20


@pytest.fixture(scope="module")
def classroom(hub):
    """Every student's server started at once; each with a token and a kernel in the course folder."""
    for user in STUDENTS:
        hub.give(user, ROOT / "notebooks", "authlab/notebooks")
    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        spawn_seconds = dict(zip(STUDENTS, pool.map(hub.start_server, STUDENTS), strict=True))
    seats = {}
    for user in STUDENTS:
        token = hub.token_for(user)
        seats[user] = {"token": token, "spawn_s": spawn_seconds[user],
                       "kernel": RemoteKernel(hub.user_url(user), token, cwd="authlab/notebooks")}
    yield seats
    for seat in seats.values():
        seat["kernel"].close()


def test_each_student_runs_the_lessons(hub, classroom):
    report = []
    for user, seat in classroom.items():
        for lesson in LESSONS:
            errors = seat["kernel"].run_notebook(_code_cells(ROOT / "notebooks" / f"{lesson}.ipynb"))
            assert not errors, f"{user} running {lesson}: {errors}"
        report.append(f"{user}: server ready in {seat['spawn_s']:.1f} s, "
                      f"{_user_memory_mb(user):.0f} MiB with {LESSONS[-1]} run")
    print("\n".join(report))


def test_in_kernel_servers_are_isolated(hub, classroom):
    owner, other, careless = STUDENTS
    ports = {}
    for user, owner_only in ((owner, "None"), (careless, "False")):
        run = classroom[user]["kernel"].execute(SECRET_PAGE.format(user=user, owner_only=owner_only))
        assert run.error is None, run.error
        ports[user] = int(run.stdout.split()[-1])
    assert ports[owner] != ports[careless]

    def through(proxy_user: str, token_user: str, port: int) -> requests.Response:
        return requests.get(f"{hub.user_url(proxy_user)}/proxy/{port}/", timeout=30, allow_redirects=False,
                            headers={"Authorization": f"token {classroom[token_user]['token']}"})

    mine = through(owner, owner, ports[owner])
    assert mine.status_code == 200 and mine.text == f"only for {owner}"
    # another student cannot use the owner's proxy link: the hub refuses them
    assert through(owner, other, ports[owner]).status_code in (302, 403, 404)
    # nor reach the port through their own proxy or their own kernel: the runner refuses them
    assert through(other, other, ports[owner]).status_code == 403
    direct = classroom[other]["kernel"].execute(FETCH_AS_KERNEL.format(port=ports[owner]))
    assert direct.stdout.strip() == "403"
    # the deliberately open server (owner_only=False) is reachable: what isolation prevents
    assert through(other, other, ports[careless]).text == f"only for {careless}"


def _fill_answers(released: Path, solution: Path) -> None:
    """Put the solution's answer cells into the student's copy, matched by grade_id."""
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source
               for cell in nbformat.read(solution, as_version=4).cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(notebook, released)


def _as(user: str, hub, *command: str, cwd: str) -> str:
    account = pwd.getpwnam(user)
    done = subprocess.run(
        ["runuser", "-u", user, "--", "env", f"HOME={account.pw_dir}", f"JUPYTER_CONFIG_PATH={hub.config_dir}",
         f"PATH={hub.venv / 'bin'}:/usr/bin:/bin", *command],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, f"{' '.join(command)} as {user}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.skipif(not (ROOT / "solutions" / "lab1_sessions.ipynb").exists(), reason="lab1 not written yet")
def test_release_submit_collect_grade_and_fetch_feedback(hub, classroom):
    solution = ROOT / "solutions" / "lab1_sessions.ipynb"
    teacher_home = Path(pwd.getpwnam(INSTRUCTOR).pw_dir)
    hub.give(INSTRUCTOR, solution, "course/source/lab1/lab1_sessions.ipynb")
    course = str(teacher_home / "course")
    _as(INSTRUCTOR, hub, "nbgrader", "db", "assignment", "add", "lab1", cwd=course)
    for student in STUDENTS:
        _as(INSTRUCTOR, hub, "nbgrader", "db", "student", "add", student, cwd=course)
    _as(INSTRUCTOR, hub, "nbgrader", "generate_assignment", "lab1", "--force", cwd=course)
    _as(INSTRUCTOR, hub, "nbgrader", "release_assignment", "lab1", "--force", cwd=course)

    solver, idle, _ = STUDENTS
    for student in (solver, idle):
        home = pwd.getpwnam(student).pw_dir
        _as(student, hub, "nbgrader", "fetch_assignment", "lab1", cwd=home)
        if student == solver:
            _fill_answers(Path(home) / "lab1" / "lab1_sessions.ipynb", solution)
        _as(student, hub, "nbgrader", "submit", "lab1", cwd=home)

    # INSTRUCTORS.md's walkthrough: authlab grade instead of nbgrader autograde, then nbgrader's own feedback steps
    _as(INSTRUCTOR, hub, "nbgrader", "collect", "lab1", cwd=course)
    graded = _as(INSTRUCTOR, hub, "authlab", "grade", "--lab", "lab1", "--course-dir", str(ROOT), "submitted/",
                 "-o", "authlab-grades.csv", "--gradebook", "sqlite:///gradebook.db", cwd=course)  # the course's clone
    _as(INSTRUCTOR, hub, "nbgrader", "generate_feedback", "lab1", cwd=course)
    _as(INSTRUCTOR, hub, "nbgrader", "release_feedback", "lab1", cwd=course)
    _as(INSTRUCTOR, hub, "nbgrader", "export", "--to", f"{course}/grades.csv", cwd=course)
    rows = {row["student_id"]: row for row in csv.DictReader(io.StringIO(Path(course, "grades.csv").read_text()))}
    assert float(rows[solver]["score"]) == float(rows[solver]["max_score"]) > 0, graded
    assert float(rows[idle]["score"]) == 0
    isolation = {row["student"]: row["isolation"] for row in csv.DictReader(open(Path(course, "authlab-grades.csv")))}
    assert all(value.startswith("sandbox") for value in isolation.values()), isolation  # as the teacher, not root
    maximum = float(rows[solver]["max_score"])
    for student, score in ((solver, maximum), (idle, 0.0)):  # each fetches their own feedback, from their account
        home = Path(pwd.getpwnam(student).pw_dir)
        _as(student, hub, "nbgrader", "fetch_feedback", "lab1", cwd=str(home))
        (page,) = (home / "lab1" / "feedback").glob("*/lab1_sessions.html")
        shown = re.search(r"Score: ([\d.]+) / ([\d.]+)", re.sub(r"<[^>]+>", "", page.read_text()))
        assert shown and (float(shown[1]), float(shown[2])) == (score, maximum), (student, shown)
