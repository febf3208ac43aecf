"""Build small throwaway notebooks for tests."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook


def write_notebook(path: Path, sources: list[str], metadata: list[dict] | None = None) -> Path:
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, source in enumerate(sources):
        cell = new_code_cell(source)
        if metadata and metadata[index]:
            cell.metadata.update(metadata[index])
        notebook.cells.append(cell)
    nbformat.write(notebook, path)
    return path
