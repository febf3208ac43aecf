"""Lesson 05 without redis-server: it must carry on with SQLite alone and say so."""

from pathlib import Path

import nbformat
import pytest

from authlab.notebooks import execute

LESSON = Path(__file__).resolve().parent.parent / "notebooks" / "05_scaling_and_revocation.ipynb"
HIDE_REDIS = """
import shutil
_which = shutil.which
shutil.which = lambda name, *args, **kwargs: None if name == "redis-server" else _which(name, *args, **kwargs)
"""


@pytest.mark.notebook
def test_lesson_05_runs_with_sqlite_alone(tmp_path):
    notebook = nbformat.read(LESSON, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(HIDE_REDIS))
    path = tmp_path / LESSON.name
    nbformat.write(notebook, path)
    result = execute(path, runs=1, timeout=120)
    assert result.ok, str(result)
    printed = "".join(output.get("text", "") for cell in result.notebook.cells if cell.cell_type == "code"
                      for output in cell.outputs)
    assert "shared store for the rest of this lesson: SQLite" in printed
    assert "redis-server is not installed" in printed
    assert "sessions, Redis" not in printed
