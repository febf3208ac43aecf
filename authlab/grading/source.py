"""The labs' single source: ``solutions/labN_*.ipynb``, released to ``labs/`` by nbgrader's own preprocessors.

``release(lab)`` runs the preprocessors of ``nbgrader generate_assignment`` in
their order (lock cells, clear solutions and outputs, compute checksums, record
the cells in a gradebook, clear hidden tests). ``authlab labs`` writes the result
to ``labs/``; ``authlab labs --check`` says whether ``labs/`` is stale.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

import nbformat

from authlab import paths
from authlab.paths import CourseNotFound


class UnknownLabError(LookupError):
    """No solutions/<lab>_*.ipynb matches the lab's name."""


@dataclasses.dataclass(frozen=True)
class Lab:
    """A lab: its id (``lab1``), its notebook name (``lab1_sessions``) and its solved source."""

    id: str
    notebook: str
    source: Path

    @property
    def released(self) -> Path:
        """The student version, in labs/ next to solutions/."""
        return self.source.parent.parent / "labs" / f"{self.notebook}.ipynb"


def all_labs(folder: Path | None = None) -> list[Lab]:
    """The labs in ``folder`` (default: the course's solutions/, see authlab.paths)."""
    folder = folder or paths.solutions()
    return [Lab(path.stem.split("_", 1)[0], path.stem, path) for path in sorted(folder.glob("lab*_*.ipynb"))]


def find_lab(name: str, folder: Path | None = None) -> Lab:
    """``lab1`` or ``lab1_sessions`` -> the Lab."""
    folder = folder or paths.solutions()
    for lab in all_labs(folder):
        if name in (lab.id, lab.notebook):
            return lab
    known = ", ".join(lab.id for lab in all_labs(folder)) or "none"
    raise UnknownLabError(f"no lab called {name!r} in {folder} (known: {known})")


def release(lab: Lab, db_url: str | None = None) -> nbformat.NotebookNode:
    """The student version of ``lab``, made by nbgrader's generate_assignment preprocessors.

    With ``db_url`` the source cells are also recorded in that gradebook (nbgrader's
    SaveCells), which is what grading needs to restore test cells later.
    """
    from nbgrader import preprocessors as nbp

    steps = [nbp.LockCells, nbp.ClearSolutions, nbp.ClearOutput, nbp.CheckCellMetadata, nbp.ComputeChecksums]
    steps += [nbp.SaveCells] if db_url else []
    steps += [nbp.ClearHiddenTests, nbp.ClearMarkScheme, nbp.ComputeChecksums, nbp.CheckCellMetadata]
    notebook = nbformat.read(lab.source, as_version=4)
    resources = {"nbgrader": {"notebook": lab.notebook, "assignment": lab.id, "db_url": db_url}}
    for step in steps:
        notebook, resources = step().preprocess(notebook, resources)
    return notebook


def gradebook(lab: Lab, folder: Path) -> tuple[str, nbformat.NotebookNode]:
    """Create a gradebook in ``folder`` holding the lab's source cells; return its URL and the released lab."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine

    db_url = f"sqlite:///{folder / 'gradebook.db'}"
    # Creating the tables first spares Gradebook its `alembic heads` subprocess (seconds); this
    # private gradebook is never migrated, so it needs no alembic version stamp.
    engine = create_engine(db_url)
    Base.metadata.create_all(engine)
    engine.dispose()
    with Gradebook(db_url) as book:
        book.update_or_create_assignment(lab.id)
    return db_url, release(lab, db_url)


def stale(labs: list[Lab]) -> list[Lab]:
    """The labs whose committed student version differs from a fresh release."""
    return [lab for lab in labs if not lab.released.is_file() or _read(lab.released) != release(lab)]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="authlab labs", description=__doc__)
    parser.add_argument("labs", nargs="*", help="lab ids (default: every lab in solutions/)")
    parser.add_argument("--check", action="store_true", help="only report stale labs; exit 1 if any")
    parser.add_argument("--course-dir", type=Path, help="the course folder (default: see authlab.paths)")
    options = parser.parse_args(argv)
    if options.course_dir:
        os.environ[paths.ENVIRONMENT] = str(options.course_dir)
    try:
        labs = [find_lab(name) for name in options.labs] or all_labs()
    except (UnknownLabError, CourseNotFound) as error:
        print(f"authlab labs: {error}", file=sys.stderr)
        return 2
    root = paths.course_dir()
    if options.check:
        outdated = stale(labs)
        for lab in outdated:
            print(f"stale: {lab.released.relative_to(root)} (run `make labs`)")
        return 1 if outdated else 0
    paths.labs().mkdir(exist_ok=True)
    for lab in labs:
        nbformat.write(release(lab), lab.released)
        print(f"wrote {lab.released.relative_to(root)} from {lab.source.relative_to(root)}")
    return 0
