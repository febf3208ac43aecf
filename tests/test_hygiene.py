"""Committed notebooks are valid, clean (no outputs, no counts) and use the python3 kernel."""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for folder in ("notebooks", "labs", "solutions") for p in (ROOT / folder).glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_clean(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    dirty = [
        index for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count)
    ]
    assert not dirty, f"cells {dirty} store outputs or execution counts; clear them before committing"


def test_course_map_notebooks_exist():
    assert (ROOT / "notebooks" / "00_start_here.ipynb").is_file()


def _private_uses(source: str) -> list[str]:
    """Private authlab names (``_x``) and ``.extensions[...]`` a cell reaches for."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    tree = ast.parse(code)
    from_authlab, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            from_authlab |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("authlab")}
            found += [a.name for a in node.names if a.name.startswith("authlab") and "._" in a.name]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("authlab"):
            from_authlab |= {a.asname or a.name for a in node.names}
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_") or "._" in node.module]
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and getattr(node.value, "attr", None) == "extensions":
            found.append(ast.unparse(node))
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            root = node.value
            while isinstance(root, ast.Attribute | ast.Call | ast.Subscript):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and root.id in from_authlab:
                found.append(ast.unparse(node))
    return found


def test_the_private_name_finder_finds_them():
    assert _private_uses("import authlab\nauthlab.cluster._launcher_handle") == ["authlab.cluster._launcher_handle"]
    assert _private_uses("from authlab.inspect.jwt import _b64") == ["authlab.inspect.jwt._b64"]
    assert _private_uses('t = app.extensions["authlab.tokens"]') == ["app.extensions['authlab.tokens']"]
    assert _private_uses("from authlab import attacks\nprint(attacks.__doc__, _local)\n%time x = 1") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_private_authlab_names_in_cells(path):
    notebook = nbformat.read(path, as_version=4)
    found = {index: uses for index, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and (uses := _private_uses(cell.source))}
    assert not found, f"cells reach into authlab internals (give the lesson a public name instead): {found}"
