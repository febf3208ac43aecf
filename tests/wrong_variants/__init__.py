"""Deliberately wrong versions of the solved labs, each breaking exactly one check.

A variant is a module in ``wrong_variants/<lab>/`` with a docstring (what is wrong),
``TARGET`` (the grade_id of the test cell that must catch it; ``None`` for an unusual but
correct variant, which must score full marks) and ``EDITS``
(``{text in the solution: replacement}``; each text must occur exactly once).
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent


@dataclasses.dataclass(frozen=True)
class Variant:
    name: str
    doc: str
    target: str | None
    edits: dict[str, str]


def variants(lab: str) -> list[Variant]:
    found = []
    for path in sorted((HERE / lab).glob("*.py")):
        module = importlib.import_module(f"wrong_variants.{lab}.{path.stem}")
        found.append(Variant(path.stem, module.__doc__.strip(), module.TARGET, module.EDITS))
    return found


def edited(source: Path, edits: dict[str, str]) -> nbformat.NotebookNode:
    """The notebook at ``source`` with every edit applied; each old text must occur exactly once."""
    notebook = nbformat.read(source, as_version=4)
    for old, new in edits.items():
        cells = [cell for cell in notebook.cells if old in cell.source]
        count = sum(cell.source.count(old) for cell in cells)
        if count != 1:
            raise ValueError(f"{old!r} occurs {count} times in {source.name}; an edit must match exactly once")
        cells[0].source = cells[0].source.replace(old, new)
    return notebook
