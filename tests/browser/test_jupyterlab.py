"""The course as learners use it: JupyterLab in Chromium runs every lesson, the token inspector, a lab."""

from __future__ import annotations

import base64
import json
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import jwt
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))  # at collection: new lessons join by themselves
LABS = sorted(path.stem for path in (ROOT / "solutions").glob("lab*_*.ipynb"))  # lab1_sessions, ...
SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", re.MULTILINE)

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser


def _on_disk(path: Path) -> tuple[bytes, str]:
    """The file's bytes and its line in ``git status``: both must be the same after JupyterLab had it open."""
    status = subprocess.run(["git", "status", "--porcelain", "--", str(path)], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    return path.read_bytes(), status


@pytest.fixture
def scratch():
    """A folder under the Jupyter root (in the git-ignored artifacts/), removed afterwards."""
    folder = ROOT / "artifacts" / "browser" / f"scratch-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("path", LESSONS, ids=lambda path: path.stem)
def test_lesson_runs_clean_in_jupyterlab(lab, path):
    before = _on_disk(path)
    notebook = lab.open(path)
    cells = notebook.run_all()
    errors = notebook.errors()
    assert not errors, "\n".join(map(str, errors))
    not_run = [index for index, cell in enumerate(cells) if cell["cell_type"] == "code" and not cell["execution_count"]]
    assert not not_run, f"cells {not_run} did not run"
    assert notebook.locator(".jp-OutputArea-output").count() > 0, "no output rendered"
    notebook.discard()
    assert _on_disk(path) == before, f"JupyterLab changed {path.relative_to(ROOT)}: outputs must not be saved"


def _tampered(token: str, **claims) -> str:
    """The token with its payload changed and the old signature kept."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**data, **claims}).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_token_inspector_shows_a_tampered_token_as_invalid_signature(lab, scratch):
    inspect = pytest.importorskip("authlab.inspect", reason="authlab.inspect (the token inspector) is not built yet")
    if not hasattr(inspect, "JWTInspector"):
        pytest.skip("authlab.inspect has no JWTInspector widget yet")
    key = secrets.token_urlsafe(32)
    token = jwt.encode({"sub": "alice", "exp": int(time.time()) + 3600}, key, algorithm="HS256")
    path = scratch / "inspector.ipynb"
    source = f"from authlab.inspect import JWTInspector\n\nJWTInspector(token={token!r}, key={key!r})"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)],
                                            metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}}), path)
    notebook = lab.open(path)
    notebook.run_all()
    assert not notebook.errors(), "\n".join(map(str, notebook.errors()))
    widget = notebook.locator(".authlab-jwt-inspector")
    verdict = widget.locator(".authlab-jwt-verdict")
    expect(verdict).to_contain_text("VERIFIED")
    widget.locator(".authlab-jwt-token textarea").fill(_tampered(token, sub="admin"))
    expect(verdict).to_contain_text("INVALID_SIGNATURE")
    expect(verdict).not_to_contain_text("VERIFIED")


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def _printed(cell: dict) -> str:
    return "".join(out.get("text", "") for out in cell.get("outputs", []) if out["output_type"] == "stream")


def _released(scratch: Path, name: str, solved: set[str] | None = None) -> tuple[nbformat.NotebookNode, Path]:
    """The released lab ``name`` with the solution typed into the answer cells in ``solved`` (all when None)."""
    released, solution = ROOT / "labs" / f"{name}.ipynb", ROOT / "solutions" / f"{name}.ipynb"
    student = nbformat.read(released, as_version=4)
    answers = {_nbgrader(cell)["grade_id"]: SOLUTION_MARKERS.sub("", cell.source)
               for cell in nbformat.read(solution, as_version=4).cells if _nbgrader(cell).get("solution")}
    answer_cells = [cell for cell in student.cells if _nbgrader(cell).get("solution")]
    assert answer_cells and {_nbgrader(cell)["grade_id"] for cell in answer_cells} <= set(answers)
    for cell in answer_cells:
        if solved is None or _nbgrader(cell)["grade_id"] in solved:
            cell.source = answers[_nbgrader(cell)["grade_id"]]  # what a learner who solved it would have typed
    path = scratch / released.name
    nbformat.write(student, path)
    return student, path


@pytest.mark.parametrize("name", LABS, ids=lambda name: name.split("_")[0])
def test_lab_with_the_solution_filled_in_passes_every_check(lab, scratch, name):
    student, path = _released(scratch, name)
    notebook = lab.open(path)
    cells = notebook.run_all()
    assert not notebook.errors(), "\n".join(map(str, notebook.errors()))

    checks = [index for index, cell in enumerate(student.cells) if _nbgrader(cell).get("grade")]
    silent = [_nbgrader(student.cells[index])["grade_id"] for index in checks if "✔" not in _printed(cells[index])]
    assert checks and not silent, f"check cells without a passing message: {silent}"
    points = sum(_nbgrader(student.cells[index]).get("points", 0) for index in checks)
    total = next(index for index, cell in enumerate(student.cells) if _nbgrader(cell).get("grade_id") == "total")
    line = f"{name.split('_')[0]}: {points} of {points} points"
    assert line in _printed(cells[total]), _printed(cells[total])
    shown = notebook.locator(".jp-OutputArea-output").filter(has_text=line)
    expect(shown).to_have_count(1)  # and the learner sees it


def test_run_all_on_a_partly_solved_lab_reaches_the_total_with_short_failures(lab, scratch):
    """Passwords done, the store and the app not yet: Run All runs every cell and the total shows 3 of 22."""
    student, path = _released(scratch, "lab1_sessions", solved={"answer_register"})
    notebook = lab.open(path)
    cells = notebook.run_all(every_cell=True)
    checks = {_nbgrader(cell)["grade_id"]: cells[index] for index, cell in enumerate(student.cells)
              if _nbgrader(cell).get("grade")}
    points = sum(_nbgrader(cell).get("points", 0) for cell in student.cells if _nbgrader(cell).get("grade"))
    failed = {grade_id: [out for out in cell["outputs"] if out["output_type"] == "error"]
              for grade_id, cell in checks.items()}
    assert not failed.pop("check_passwords_hashed"), "the solved step's check failed"
    assert all(failed.values()), f"checks of unsolved steps that passed: {[k for k, v in failed.items() if not v]}"
    for grade_id, cell in checks.items():  # no wall of text before the ✘ block: no app log, no warnings
        assert not [out for out in cell["outputs"] if out.get("name") == "stderr"], (grade_id, cell["outputs"])
    for grade_id, (error,) in failed.items():
        text = "\n".join(error["traceback"])
        assert "✘" in text and "Traceback" not in text and "_core.py" not in text, (grade_id, text)
        assert len(text.splitlines()) <= 4, f"{grade_id}: a {len(text.splitlines())}-line failure:\n{text}"
    total = next(cell for index, cell in enumerate(cells) if _nbgrader(student.cells[index]).get("grade_id") == "total")
    line = f"lab1: 3 of {points} points"
    assert line in _printed(total), _printed(total)
    expect(notebook.locator(".jp-OutputArea-output").filter(has_text=line)).to_have_count(1)
    shown = notebook.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    expect(shown.filter(has_text="✘")).to_have_count(len(failed))  # what the learner sees: the ✘ blocks
    first = notebook.locator(".jp-CodeCell").filter(has_text="✘").first
    first.scroll_into_view_if_needed()
    (ROOT / "artifacts" / "screenshots").mkdir(parents=True, exist_ok=True)
    first.screenshot(path=str(ROOT / "artifacts" / "screenshots" / "lab1-partly-solved-failure.png"))
    expect(shown.filter(has_text="Traceback")).to_have_count(0)
