"""A solved lab notebook as a running app: its own cells, not its check cells, give ``app`` and ``register``."""

from __future__ import annotations

from pathlib import Path

import nbformat
from flask import Flask

from authlab.errors import AuthlabError
from authlab.users import DEMO_USERS

__all__ = ["LAB_KINDS", "SolutionLoadError", "load_solution_app"]

LAB_KINDS = {"lab1_sessions": "session", "lab2_jwt_header": "jwt-header", "lab3_jwt_cookie": "jwt-cookie"}


class SolutionLoadError(AuthlabError):
    """A solved lab notebook could not be turned into a running app."""


def load_solution_app(path: Path) -> Flask:
    """Run a solved lab's own cells (not its check cells) and return its ``app``, with alice registered.

    The labs define ``app`` (a Flask app with the course's routes) and ``register(username,
    password)``; grading cells (nbgrader ``grade: true``, or importing ``authlab.checks``) are left out.
    """
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as error:
        raise SolutionLoadError(f"{path.name}: unreadable notebook ({error})") from None
    namespace: dict = {"__name__": f"solution_{path.stem}"}
    for index, cell in enumerate(notebook.cells):
        grading = cell.get("metadata", {}).get("nbgrader", {}).get("grade", False)
        if cell.cell_type != "code" or grading or "authlab.checks" in cell.source:
            continue
        try:
            exec(compile(cell.source, f"{path.name}[{index}]", "exec"), namespace)
        except Exception as error:
            raise SolutionLoadError(f"{path.name}: cell {index} raised {type(error).__name__}: {error}") from None
    app, register = namespace.get("app"), namespace.get("register")
    if not isinstance(app, Flask) or not callable(register):
        raise SolutionLoadError(f"{path.name}: defines no Flask `app` and `register(username, password)`")
    register("alice", DEMO_USERS["alice"])
    return app
