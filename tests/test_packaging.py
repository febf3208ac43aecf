"""pyproject.toml is the one dependency list; environment.yml, the README and Makefile agree."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
# PyPI name -> conda-forge name, where they differ
CONDA_NAMES = {"redis": "redis-py", "matplotlib": "matplotlib-base"}
# extras whose packages conda-forge lists separately
CONDA_EXTRAS = {("pyjwt", "crypto"): "cryptography"}


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _binder_requirements() -> dict[str, str]:
    """What Binder must install: the package's dependencies and the instructor extra."""
    project = _pyproject()["project"]
    wanted = {}
    for line in project["dependencies"] + project["optional-dependencies"]["instructor"]:
        requirement = Requirement(line)
        name = requirement.name.lower()
        wanted[CONDA_NAMES.get(name, name)] = str(requirement.specifier)
        for extra in requirement.extras:
            wanted[CONDA_EXTRAS[(name, extra)]] = None
    return wanted


def _environment_requirements() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, str) and entry not in ("pip",) and not entry.startswith("python="):
            name, spec = re.match(r"([A-Za-z0-9_.-]+)(.*)", entry).groups()
            found[name.lower()] = spec
    return found


def test_environment_yml_mirrors_pyproject():
    wanted, found = _binder_requirements(), _environment_requirements()
    assert set(found) == set(wanted), (
        f"missing from environment.yml: {sorted(set(wanted) - set(found))}; "
        f"not in pyproject.toml: {sorted(set(found) - set(wanted))}"
    )
    for name, spec in wanted.items():
        if spec is not None:
            assert sorted(found[name].split(",")) == sorted(spec.split(",")), (
                f"{name}: environment.yml says {found[name]!r}, pyproject.toml {spec!r}"
            )


def test_environment_yml_pins_python_and_uses_conda_forge():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge"]
    assert any(isinstance(e, str) and re.fullmatch(r"python=3\.\d+", e) for e in environment["dependencies"])
    assert "pip install" in (ROOT / "postBuild").read_text()


def test_readme_commands_are_make_targets():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test", "run", "bench"):
        assert f"make {target}" in readme
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile has no '{target}' target"
    assert "mybinder.org/v2/gh/" in readme and "urlpath=lab" in readme
    assert "notebooks%2F00_start_here.ipynb" in readme or "notebooks/00_start_here.ipynb" in readme


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_console_script_runs():
    done = subprocess.run([sys.executable, "-m", "authlab"], capture_output=True, text=True)
    assert done.returncode == 2 and "check" in done.stdout and "Traceback" not in done.stderr


def test_cli_reports_missing_notebook_clearly():
    done = subprocess.run([sys.executable, "-m", "authlab", "run", "nope.ipynb"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "no such notebook: nope.ipynb" in done.stderr and "Traceback" not in done.stderr
