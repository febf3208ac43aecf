"""A teacher's install: the wheel (not editable) in a fresh venv grades every lab from the course folder, anywhere.

The venv gets this environment's dependencies through a path file and authlab only from
the wheel, so nothing of the checkout is importable. The wheel holds no lab sources: from
an empty folder the grader says where to point it, with --course-dir it grades.
"""

import csv
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def teacher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("teacher")
    source = folder / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "authlab", source / "authlab", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(folder / "dist"),
                            str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((folder / "dist").glob("authlab-*.whl"))
    env = folder / "venv"
    venv.create(env, with_pip=False)
    purelib = Path(subprocess.check_output([env / "bin" / "python", "-c", "import sysconfig; "
                                            "print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install",
                                "--no-deps", "--quiet", str(wheel)], capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr[-2000:]
    return env / "bin" / "authlab", folder


def _run(command, cwd, *args):
    return subprocess.run([str(command), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_wheel_ships_no_solutions(teacher):
    _, folder = teacher
    import zipfile

    names = zipfile.ZipFile(next((folder / "dist").glob("*.whl"))).namelist()
    assert not [name for name in names if name.endswith(".ipynb")]


def test_from_an_empty_folder_the_grader_says_where_to_point_it(teacher, tmp_path):
    authlab, _ = teacher
    done = _run(authlab, tmp_path, "grade", "--lab", "lab1", str(tmp_path))
    assert done.returncode == 2 and "pass --course-dir FOLDER" in done.stderr
    done = _run(authlab, tmp_path, "labs", "--check")
    assert done.returncode == 2 and "no course folder" in done.stderr


def test_the_installed_grader_grades_a_lab_with_course_dir(teacher, tmp_path):
    authlab, _ = teacher
    submitted = tmp_path / "submitted" / "alice" / "lab1"
    submitted.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "lab1_sessions.ipynb", submitted / "lab1_sessions.ipynb")
    shutil.copy(ROOT / "labs" / "lab2_jwt_header.ipynb", tmp_path / "submitted" / "alice" / "lab2_jwt_header.ipynb")
    done = _run(authlab, tmp_path, "grade", "--lab", "lab1", "--course-dir", str(ROOT), "submitted",
                "-o", "grades.csv")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    rows = list(csv.DictReader(open(tmp_path / "grades.csv")))
    assert [(row["student"], row["total"], row["max"]) for row in rows] == [("alice", "22", "22")], rows[0]["problems"]
    assert rows[0]["isolation"].startswith("sandbox")


SOLUTIONS = sorted((ROOT / "solutions").glob("lab*_*.ipynb"))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda path: path.stem.split("_")[0])
def test_the_installed_grader_grades_every_lab_to_full_marks(teacher, tmp_path, solution):
    """Each lab's checks and sandbox runtime come from the wheel: nothing a lab needs is missing from it."""
    authlab, _ = teacher
    lab = solution.stem.split("_")[0]
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shutil.copy(solution, downloads / "solved.ipynb")
    done = _run(authlab, tmp_path, "grade", "--lab", lab, "--course-dir", str(ROOT), "downloads", "-o", "grades.csv")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (row,) = csv.DictReader(open(tmp_path / "grades.csv"))
    assert row["total"] == row["max"] and float(row["max"]) > 0, (row["total"], row["max"], row["problems"])
    assert row["isolation"].startswith("sandbox")
