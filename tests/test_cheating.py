"""Cheating submissions, graded in one batch: each earns nothing it did not do, and no classmate's grade moves.

Every cheat is a cell added to the released lab 1 (nothing solved), or to the solution where
the point is that honest work keeps its marks. Attacks on the grader aim at decoys in a
temporary folder (the CSV, feedback and gradebook paths of this batch, a copy of the
solution), so a sandbox that failed would show here and never damage the repository.
"""

import copy
import csv
import hashlib
import shutil
import socket
import threading

import nbformat
import psutil
import pytest

from authlab.grading import grader, pids, sandbox
from authlab.grading.source import find_lab

pytestmark = pytest.mark.skipif(bool(sandbox.unavailable()), reason=f"no sandbox: {sandbox.unavailable()}")

LAB = find_lab("lab1")
CELL_TIMEOUT = 10
MARKER = "authlab-cheat"  # the name (comm) of every process a cheat leaves behind
# How the sandbox's processes are capped here; a real fork bomb runs only where they are (as root: a pids cgroup).
CAPPED, CAP = pids.cap(sandbox.PROCESSES)


def _cheats(decoys: dict[str, str], home_port: int) -> dict[str, str]:
    """name -> code of a cell that tries to cheat (or to hurt classmates)."""
    return {
        "fake_checks_module": """
import sys, types
fake = types.ModuleType("authlab.checks")
class Anything:
    def __getattr__(self, name):
        return lambda *args, **kwargs: print("✔ passed")
fake.lab1 = Anything()
fake.total = lambda lab: print("lab1: 16 of 16 points")
sys.modules["authlab.checks"] = fake
""",
        "hides_assertion_errors": """
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
""",
        "test_cells_become_pass": """
get_ipython().input_transformers_cleanup.append(
    lambda lines: ["pass\\n"] if any("authlab.checks" in line for line in lines) else lines)
""",
        "stubs_fresh": """
import authlab.checks
authlab.checks.fresh = lambda lab: type("Stub", (), {"__getattr__": lambda self, name: (lambda *a: None)})()
""",
        "execs_the_solution": f"""
import json
for path in [{decoys["solution"]!r}, {str(LAB.source)!r}, "../solutions/lab1_sessions.ipynb"]:
    try:
        cells = json.load(open(path))["cells"]
    except OSError:
        continue
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "authlab.checks" not in source:
            exec(source, globals())
""",
        "reference_app": """
from authlab import apps
users = apps.Users({})
app = apps.session_app(users=users)
def register(username, password):
    users.add(username, password)
""",
        "leaves_a_process_rewriting_grades": f"""
import os, time
MARKER = {MARKER!r}
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open("/proc/self/comm", "w").write(MARKER)
        for _ in range(3000):
            for target in ({decoys["csv"]!r}, {decoys["gradebook"]!r}):
                try:
                    with open(target, "a") as file:
                        file.write("leaves_a_process_rewriting_grades,16,16\\n")
                except OSError:
                    pass
            time.sleep(0.01)
    os._exit(0)
time.sleep(0.5)
""",
        "startup_file_for_classmates": """
import os, pathlib
for folder in (os.environ.get("IPYTHONDIR", ""), os.path.expanduser("~/.ipython"), "/root/.ipython", "/tmp"):
    try:
        startup = pathlib.Path(folder) / "profile_default" / "startup"
        startup.mkdir(parents=True, exist_ok=True)
        (startup / "00-free-marks.py").write_text("import sys; sys.modules['authlab.checks'] = None")
    except OSError:
        pass
""",
        "kills_its_grader": """
import os, signal
for pid in (os.getppid(), 1, -1):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
""",
        "patches_the_server_runner": """
import authlab, authlab.server
from flask import Flask
fake = Flask("fake")
@fake.route("/<path:anything>", methods=["GET", "POST"])
def anything(anything):
    return {"message": "Hello, everyone"}
real_serve = authlab.server.serve
authlab.serve = authlab.server.serve = lambda app, *args, **kwargs: real_serve(fake, *args, **kwargs)
""",
        "fake_server_on_a_port": """
import authlab
from flask import Flask
fake = Flask("fake")
@fake.route("/<path:anything>", methods=["GET", "POST"])
def anything(anything):
    return {"message": "✔ all good"}
server = authlab.serve(fake, port=5000, show=False)
app = fake
""",
        "writes_into_grader_folders": f"""
for target in ({decoys["csv"]!r}, {decoys["gradebook"]!r}, {decoys["feedback"]!r} + "/x.html", {decoys["solution"]!r}):
    try:
        with open(target, "w") as file:
            file.write("owned")
    except OSError:
        pass
""",
        "reads_other_submissions": f"""
import json, pathlib
roots = [{decoys["submissions"]!r}, "/run", "/tmp", "/work", "/home", "/srv"]
for path in [path for root in roots for path in pathlib.Path(root).glob("**/*.ipynb")]:
    try:
        cells = json.loads(path.read_text())["cells"]
    except (OSError, ValueError):
        continue
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "authlab.checks" not in source and "NotImplementedError" not in source:
            exec(source, globals())
""",
        "fork_bomb_light": f"""
import os
MARKER = {MARKER!r}
children = 0
for _ in range(200):
    try:
        if os.fork() == 0:
            import time
            open("/proc/self/comm", "w").write(MARKER)
            time.sleep(600)
            os._exit(0)
        children += 1
    except OSError:
        break
""",
        **({"fork_bomb": """
import os
while True:
    os.fork()
"""} if CAPPED else {}),
        "cpu_flood": f"""
import os
for _ in range(100):  # busy children on every core while classmates are graded beside this sandbox
    try:
        if os.fork() == 0:
            open("/proc/self/comm", "w").write({MARKER!r})
            while True:
                pass
    except OSError:
        break
""",
        "sleeps_past_the_limit": """
import time
time.sleep(10**6)
""",
        "fake_check_lines": """
for name in ("check_login", "check_logout", "check_session_ids"):
    print(f"✔ {name} passed")
print("lab1: 16 of 16 points from the checks run in this kernel")
""",
        "hijacks_the_channel": """
import socket
try:
    sock = socket.socket(socket.AF_UNIX)
    sock.connect("/run/authlab/channel.sock")
    sock.sendall(b'{"id": 1, "value": 16}\\n' * 10)
except OSError:
    pass
""",
        "patches_requests": """
import requests
class Yes:
    status_code = 200
    text = "Hello"
    headers = {}
    def json(self):
        return {"message": "Hello"}
requests.Session.request = lambda self, *args, **kwargs: Yes()
requests.request = lambda *args, **kwargs: Yes()
""",
        "huge_answers": """
def register(username, password):
    return "x" * 40_000_000
""",
        "exits_from_a_hook": """
def register(username, password):
    raise SystemExit(0)
""",
        "calls_home": f"""
import socket
for host in ("127.0.0.1", "10.0.2.2", "8.8.8.8"):
    try:
        socket.create_connection((host, {home_port}), timeout=1).sendall(b"let me out")
    except OSError:
        pass
""",
    }


HONEST_WITH = {  # added to the solution: the honest work must keep its full marks
    "honest_fills_memory": "try:\n    hog = bytearray(16 * 1024**3)\nexcept MemoryError:\n    pass",
    "honest_fills_disk": "try:\n    open('/tmp/fill', 'wb').write(b'x' * 300 * 1024**2)\nexcept OSError:\n    pass",
    "honest_tags_skip_execution": None,  # every test cell tagged skip-execution
    "honest_duplicated_test_cell": None,  # a test cell copied in JupyterLab (same grade_id)
    "honest_reflagged_test_cell": None,  # a test cell turned into grade: false
}


def _test_cells(notebook):
    return [cell for cell in notebook.cells if cell.metadata.get("nbgrader", {}).get("grade")]


def _honest(name, code):
    notebook = nbformat.read(LAB.source, as_version=4)
    if code:
        notebook.cells.append(nbformat.v4.new_code_cell(code))
    elif name == "honest_tags_skip_execution":
        for cell in _test_cells(notebook):
            cell.metadata["tags"] = ["skip-execution"]
    elif name == "honest_duplicated_test_cell":
        cell = _test_cells(notebook)[1]
        twin = copy.deepcopy(cell)
        twin["id"] = "pasted-copy"  # JupyterLab gives the copy a new id and keeps its metadata
        notebook.cells.insert(notebook.cells.index(cell) + 1, twin)
    else:
        _test_cells(notebook)[2].metadata.nbgrader["grade"] = False
    return notebook


@pytest.fixture(scope="module")
def home():
    """A port on the grader's side that no sandbox may reach; what arrives is kept."""
    listener = socket.create_server(("127.0.0.1", 0))
    received = []

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            received.append(connection.recv(100))
            connection.close()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], received
    listener.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, home):
    folder = tmp_path_factory.mktemp("cheating")
    submissions, out = folder / "submissions", folder / "out"
    submissions.mkdir()
    (out / "feedback").mkdir(parents=True)
    decoys = {"csv": str(out / "grades.csv"), "gradebook": str(out / "gradebook.db"),
              "feedback": str(out / "feedback"), "solution": str(folder / "solution-copy.ipynb"),
              "submissions": str(submissions)}
    shutil.copy(LAB.source, decoys["solution"])
    for path in (decoys["csv"], decoys["gradebook"]):
        open(path, "w").write("untouched\n")
    before = {key: hashlib.sha256(open(decoys[key], "rb").read()).hexdigest() for key in ("csv", "gradebook",
                                                                                           "solution")}
    cheats = _cheats(decoys, home[0])
    for name, code in cheats.items():
        notebook = nbformat.read(LAB.released, as_version=4)
        notebook.cells.append(nbformat.v4.new_code_cell(code))
        nbformat.write(notebook, submissions / f"{name}.ipynb")
    for name, code in HONEST_WITH.items():
        nbformat.write(_honest(name, code), submissions / f"{name}.ipynb")
    for number in (1, 2):
        shutil.copy(LAB.source, submissions / f"classmate_solved_{number}.ipynb")
        shutil.copy(LAB.released, submissions / f"classmate_blank_{number}.ipynb")
    students = grader.submissions([submissions], LAB)
    results = grader.grade_all(LAB, students, workers=2, cell_timeout=CELL_TIMEOUT, notebook_timeout=120,
                               progress=False)
    after = {key: hashlib.sha256(open(decoys[key], "rb").read()).hexdigest() for key in before}
    return {result.student: result for result in results}, cheats, before, after, out


def test_every_cheat_scores_nothing(graded):
    results, cheats, *_ = graded
    scored = {name: results[name].score for name in cheats if results[name].score}
    assert not scored, {name: [c.grade_id for c in results[name].checks if c.points] for name in scored}
    assert len(cheats) >= 20


def test_honest_work_keeps_full_marks_whatever_else_the_notebook_does(graded):
    results, *_ = graded
    for name in [*HONEST_WITH, "classmate_solved_1", "classmate_solved_2"]:
        result = results[name]
        assert result.score == result.max_score == 22, (name, [(c.grade_id, c.reason) for c in result.checks
                                                              if not c.passed], result.problems)


def test_blank_classmates_stay_at_zero(graded):
    results, *_ = graded
    assert results["classmate_blank_1"].score == results["classmate_blank_2"].score == 0


def test_grader_files_untouched_and_nothing_left_running(graded, home):
    results, _, before, after, out = graded
    assert before == after
    assert not list((out / "feedback").iterdir())
    assert home[1] == []
    left = [process.pid for process in psutil.process_iter(["name", "status"])
            if process.info["name"] == MARKER and process.info["status"] != psutil.STATUS_ZOMBIE]
    assert not left


def test_limits_and_timeouts_are_reported(graded):
    results, *_ = graded
    assert "interrupted" in " ".join(results["sleeps_past_the_limit"].problems)
    reasons = " ".join(check.reason for check in results["huge_answers"].checks)
    assert "stopped answering" in reasons or "could not run" in reasons


def test_fork_bomb_is_capped_and_the_cap_reported(graded):
    results, *_ = graded
    isolation = {result.isolation for result in results.values()}
    assert isolation == {f"sandbox: cells in bubblewrap, checks outside; {CAP}"}
    if CAPPED is None:  # root without a pids cgroup: no bomb was graded, and the grader says why
        assert "NO PROCESS LIMIT" in CAP
        return
    problems = " ".join(results["fork_bomb"].problems)
    if CAPPED == "cgroup":
        assert f"limit of {sandbox.PROCESSES} processes" in problems, problems
    assert results["fork_bomb"].score == 0


def test_csv_of_the_batch(graded, tmp_path):
    results, *_ = graded
    grader.write_csv(list(results.values()), tmp_path / "grades.csv")
    rows = {row["student"]: row for row in csv.DictReader(open(tmp_path / "grades.csv"))}
    assert rows["classmate_solved_1"]["total"] == "22" and rows["fake_check_lines"]["total"] == "0"


# -- lab 5: the course's own relying party is not an answer -------------------------------------

LAB5 = find_lab("lab5")
LAB5_CHEATS = {  # cells added to the released lab 5, each handing in the course's relying party in some way
    "lab5_course_relying_party": """
from authlab import oidc
def create_app(issuer, client_id, client_secret):
    return oidc.client_app(oidc.Provider(issuer, client_id, client_secret))
""",
    "lab5_imports_relying_party": """
from authlab.oidc.relying_party import Provider, client_app
def create_app(issuer, client_id, client_secret):
    return client_app(Provider(issuer, client_id, client_secret))
""",
    "lab5_vulnerable_party": """
from authlab.oidc import vulnerable
create_app = vulnerable.__dict__[next(name for name in dir(vulnerable) if "client" in name)]
""",
    "lab5_execs_relying_party_source": """
import pathlib, authlab
for folder in [pathlib.Path(authlab.__file__).parent, *pathlib.Path("/").glob("*/*/authlab"),
               *pathlib.Path("/").glob("*/*/*/authlab")]:
    source = folder / "oidc" / "relying_party.py"
    if source.is_file():
        namespace = {"__name__": "authlab.oidc.relying_party"}
        exec(source.read_text(), namespace)
        create_app = lambda issuer, client_id, secret: namespace["client_app"](
            namespace["Provider"](issuer, client_id, secret))
        break
""",
}


def test_lab5_runtime_has_the_provider_but_no_relying_party_and_no_checks(tmp_path):
    runtime = sandbox.build_runtime(tmp_path, "lab5") / "authlab"
    files = {str(path.relative_to(runtime)) for path in runtime.rglob("*.py")}
    assert {"oidc/__init__.py", "oidc/provider.py"} <= files
    assert not files & {"oidc/relying_party.py", "oidc/vulnerable.py", "oidc/attacker.py", "oidc/id_tokens.py",
                        "checks/_op.py", "checks/lab5.py", "checks/_core.py"}


@pytest.fixture(scope="module")
def graded_lab5(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cheating-lab5")
    for name, code in LAB5_CHEATS.items():
        notebook = nbformat.read(LAB5.released, as_version=4)
        notebook.cells.append(nbformat.v4.new_code_cell(code))
        nbformat.write(notebook, folder / f"{name}.ipynb")
    shutil.copy(LAB5.source, folder / "lab5_solved.ipynb")
    results = grader.grade_all(LAB5, grader.submissions([folder], LAB5), workers=2, cell_timeout=60,
                               notebook_timeout=300, progress=False)
    return {result.student: result for result in results}


def test_lab5_course_relying_party_scores_nothing(graded_lab5):
    scored = {name: [c.grade_id for c in graded_lab5[name].checks if c.points] for name in LAB5_CHEATS
              if graded_lab5[name].score}
    assert not scored, scored
    solved = graded_lab5["lab5_solved"]
    assert solved.score == solved.max_score == 24, [(c.grade_id, c.reason) for c in solved.checks if not c.passed]
