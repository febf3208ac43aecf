"""Where the course's own files are: one lookup for every tool that needs solutions/, labs/ or notebooks/.

The course folder is, in this order: ``AUTHLAB_COURSE_DIR`` (set by ``--course-dir``), the
current folder or one above it, or the checkout this package runs from. An installed wheel
holds no lab sources on purpose (anyone who installs the course would get the solved labs,
and every sandboxed notebook would see them): a teacher grades from the course folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from authlab.errors import AuthlabError

ENVIRONMENT = "AUTHLAB_COURSE_DIR"
_CHECKOUT = Path(__file__).resolve().parent.parent


class CourseNotFound(AuthlabError, LookupError):
    """No folder with the course's solutions/ was found."""


def _is_course(folder: Path) -> bool:
    return (folder / "solutions").is_dir() and any((folder / "solutions").glob("lab*_*.ipynb"))


def course_dir() -> Path:
    """The course folder (holding solutions/, labs/ and notebooks/); CourseNotFound says where it looked."""
    given = os.environ.get(ENVIRONMENT)
    if given:
        if _is_course(Path(given)):
            return Path(given).resolve()
        raise CourseNotFound(f"{given} (from --course-dir or {ENVIRONMENT}) has no solutions/lab*_*.ipynb")
    here = Path.cwd().resolve()
    for folder in (here, *here.parents, _CHECKOUT):
        if _is_course(folder):
            return folder
    raise CourseNotFound(f"no course folder (one with solutions/lab*_*.ipynb) in {here}, above it, or at "
                         f"{_CHECKOUT}; run from the course folder or pass --course-dir FOLDER")


def solutions() -> Path:
    return course_dir() / "solutions"


def labs() -> Path:
    return course_dir() / "labs"


def lessons_root() -> Path:
    """The folder that holds notebooks/: the course folder, else the checkout (for ``authlab run``)."""
    try:
        return course_dir()
    except CourseNotFound:
        return _CHECKOUT
