"""Every lesson and solution runs top to bottom twice in one kernel, leaving nothing behind."""

import re
from pathlib import Path

import nbformat
import pytest
from notebook_factory import write_notebook

from authlab.notebooks import discover, execute

ROOT = Path(__file__).resolve().parent.parent


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.notebook
@pytest.mark.parametrize("path", discover(("notebooks", "solutions")), ids=_id)
def test_runs_twice_in_one_kernel(path):
    result = execute(path, runs=2, timeout=120)
    assert result.ok, str(result)
    assert not silent_rich_outputs(result.notebook), "rich output without a readable text/plain"


def silent_rich_outputs(notebook) -> list[str]:
    """HTML or SVG outputs whose text/plain says nothing, like '<IPython.core.display.HTML object>'."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if {"text/html", "image/svg+xml"} & set(data) and re.fullmatch(r"<.* object>", data.get("text/plain", "")):
                found.append(f"cell {index}: {data.get('text/plain', '(none)')}")
    return found


def test_placeholder_text_of_rich_output_is_found():
    html_only = {"output_type": "display_data", "data": {"text/html": "<b>x</b>",
                                                         "text/plain": "<IPython.core.display.HTML object>"}}
    table = {"output_type": "execute_result", "data": {"text/html": "<table/>", "text/plain": "a  b\n-  -"}}
    notebook = nbformat.from_dict({"cells": [{"cell_type": "code", "outputs": [html_only]},
                                             {"cell_type": "code", "outputs": [table]}]})
    assert silent_rich_outputs(notebook) == ["cell 0: <IPython.core.display.HTML object>"]


def test_a_failing_cell_is_reported_with_its_index(tmp_path):
    path = write_notebook(tmp_path / "broken.ipynb", ["x = 1", "raise ValueError('nope')", "y = 2"])
    result = execute(path, runs=1)
    assert not result.ok
    assert [(e.index, e.ename, e.evalue) for e in result.errors] == [(1, "ValueError", "nope")]


def test_leaked_threads_on_rerun_are_reported(tmp_path):
    leaky = "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()"
    result = execute(write_notebook(tmp_path / "leaky.ipynb", [leaky]), runs=2)
    assert any("threads grew" in leak for leak in result.leaks), result


def test_orphan_processes_are_reported_and_reaped(tmp_path):
    orphan = "import subprocess, sys\np = subprocess.Popen(['sleep', '60'], start_new_session=True)"
    result = execute(write_notebook(tmp_path / "orphan.ipynb", [orphan]), runs=1)
    assert any("outlived the kernel" in leak for leak in result.leaks), result


def test_invalid_notebook_json_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "bad.ipynb"
    path.write_text("{not json")
    result = execute(path, runs=1)
    assert not result.ok and result.errors[0].index == -1
