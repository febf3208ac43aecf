"""`make lab` as a student runs it: from a fresh clone, as whichever user runs the tests (root in CI and Docker)."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
START = "notebooks/00_start_here.ipynb"

pytestmark = pytest.mark.skipif(not (shutil.which("make") and shutil.which("git")), reason="needs make and git")


def _fresh_clone(tmp_path: Path) -> Path:
    """A git clone of this repository, with the working tree's uncommitted edits of tracked files on top."""
    clone = tmp_path / "course"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    changed = subprocess.run(["git", "ls-files", "--modified"], cwd=ROOT, capture_output=True, text=True).stdout
    for name in changed.split():
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, clone / name)
    return clone


def _fake_python(path: Path, version: str) -> Path:
    """An interpreter that says it is ``version`` and fails everything else, as macOS's python3 3.9 would here."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\n[ "$1" = --version ] && echo "Python {version}" && exit 0\nexit 1\n')
    path.chmod(0o755)
    return path


def _server_info(runtime: Path, make: subprocess.Popen, deadline: float) -> dict:
    while time.monotonic() < deadline:
        if make.poll() is not None:
            pytest.fail(f"make lab ended with {make.returncode}:\n{make.stdout.read()}")
        for info in runtime.glob("jpserver-*.json"):
            try:
                return json.loads(info.read_text())
            except json.JSONDecodeError:
                pass  # being written
        time.sleep(0.5)
    pytest.fail("JupyterLab did not start")


def test_too_old_python_is_refused_before_anything_is_installed(tmp_path):
    shutil.copy2(ROOT / "Makefile", tmp_path)
    shutil.copy2(ROOT / "pyproject.toml", tmp_path)
    old = _fake_python(tmp_path / "old" / "python3", "3.9.6")
    done = subprocess.run(["make", "lab", f"PYTHON={old}"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stderr and "Python 3.9.6" in done.stderr
    assert "make clean && make lab PYTHON=" in done.stderr
    assert not (tmp_path / ".venv").exists()


@pytest.mark.timeout(900)
def test_make_lab_from_a_fresh_clone_serves_notebooks_and_labs(tmp_path):
    clone = _fresh_clone(tmp_path)
    # what a first attempt with macOS's python3 leaves behind: a .venv whose interpreter is unusable
    _fake_python(clone / ".venv" / "bin" / "python", "3.9.6")
    runtime = tmp_path / "runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    for name in ("VIRTUAL_ENV", "JUPYTER_TOKEN", "PYTHONPATH"):
        env.pop(name, None)
    make = subprocess.Popen(
        ["make", "lab", f"PYTHON={sys.executable}", "LAB_ARGS=--no-browser --port=0"],
        cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        info = _server_info(runtime, make, time.monotonic() + 840)
        api = f"http://127.0.0.1:{info['port']}/api/contents"
        headers = {"Authorization": f"token {info['token']}"}
        assert Path(info["root_dir"]).resolve() == clone.resolve()
        notebooks = requests.get(f"{api}/notebooks", headers=headers, timeout=30).json()
        labs = requests.get(f"{api}/labs", headers=headers, timeout=30).json()
        assert START.split("/")[1] in {item["name"] for item in notebooks["content"]}
        assert any(item["name"].startswith("lab1") for item in labs["content"])
        requests.post(f"http://127.0.0.1:{info['port']}/api/shutdown", headers=headers, timeout=30)
        output, _ = make.communicate(timeout=120)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, 9)
            make.wait()
    assert make.returncode == 0, output
    assert "made by an unusable Python" in output
    assert f"/lab/tree/{START}?token=" in output  # the URL printed opens the start notebook
    assert "Running as root is not recommended" not in output
    installed = subprocess.run([str(clone / ".venv/bin/python"), "-m", "pip", "list", "--format=json"],
                               capture_output=True, text=True, check=True).stdout
    names = {package["name"].lower() for package in json.loads(installed)}
    assert {"jupyterlab", "flask", "pyjwt", "authlab"} <= names
    assert not names & {"nbgrader", "pytest", "playwright", "jupyterhub"}, "test and instructor tools are extras"
