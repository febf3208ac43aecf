"""Is everything the course needs installed? One row per requirement, its status in words, and how to fix it.

The lessons and labs need the package's own dependencies; ``extras=("test", "instructor")`` adds the rows of
those tool sets (``authlab check --extra test``).
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import importlib.metadata as metadata
import platform
import sys
from collections.abc import Iterable

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

FIX = "make lab, or pip install -e . (from the course folder)"


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    wanted: str
    installed: str | None
    extra: str | None

    @property
    def ok(self) -> bool:
        if self.installed is None:
            return False
        try:
            return Requirement(f"{self.name}{self.wanted}").specifier.contains(
                Version(self.installed), prereleases=True
            )
        except InvalidVersion:
            return True

    @property
    def status(self) -> str:
        """In words, for screens and readers without an emoji font."""
        if self.ok:
            return "ok"
        return "missing" if self.installed is None else f"too old, needs {self.wanted}"


class Report(list):
    """The rows of an environment check; renders as a table in a notebook."""

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self if row.extra is None)

    @property
    def problems(self) -> list[Row]:
        return [row for row in self if not row.ok]

    def summary(self) -> str:
        core = [row for row in self if row.extra is None]
        missing = [row for row in core if not row.ok]
        tools = [row for row in self if row.extra is not None and not row.ok]
        if not missing:
            text = f"All {len(core)} course packages present (Python {platform.python_version()})."
        else:
            names = ", ".join(f"{row.name}{row.wanted}" for row in missing)
            text = f"{len(missing)} of {len(core)} course packages missing or too old: {names}. Fix: {FIX}"
        if tools:
            extras = ",".join(sorted({row.extra for row in tools}))
            text += f" {len(tools)} optional tools missing or too old; to add them: pip install -e '.[{extras}]'"
        return text

    def __str__(self) -> str:
        lines = [f"{'package':28} {'wanted':14} {'installed':12} status"]
        for row in self:
            label = row.name + (f" [{row.extra}]" if row.extra else "")
            lines.append(f"{label:28} {row.wanted or 'any':14} {row.installed or '-':12} {row.status}")
        return "\n".join(lines + ["", self.summary()])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(row.name)}{' <i>(' + row.extra + ')</i>' if row.extra else ''}</td>"
            f"<td>{html.escape(row.wanted or 'any')}</td><td>{row.installed or '&mdash;'}</td>"
            f"<td>{'&#9989;' if row.ok else '&#10060;'} {html.escape(row.status)}</td></tr>"
            for row in self
        )
        return (
            "<table><tr><th>package</th><th>wanted</th><th>installed</th><th>status</th></tr>"
            f"{rows}</table><p>{html.escape(self.summary())}</p>"
        )


def check_environment(distribution: str = "authlab", extras: Iterable[str] = ()) -> Report:
    """Compare what ``distribution`` needs (and the tools of ``extras``) with what is installed."""
    try:
        declared = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        raise RuntimeError(f"The {distribution} package is not installed. Fix: {FIX}") from None
    report = Report()
    for line in declared:
        requirement = Requirement(line)
        extra = _extra_of(requirement)
        if extra is not None and extra not in extras:
            continue
        if requirement.marker and extra is None and not requirement.marker.evaluate():
            continue
        report.append(_row(requirement, extra))
        for needed in _extra_requirements(requirement):
            report.append(_row(needed, extra))
    return report


def _row(requirement: Requirement, extra: str | None) -> Row:
    try:
        installed = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        installed = None
    return Row(requirement.name, str(requirement.specifier), installed, extra)


def _extra_requirements(requirement: Requirement) -> list[Requirement]:
    """What ``pyjwt[crypto]``-style extras pull in (cryptography for RS256, say)."""
    try:
        lines = metadata.requires(requirement.name) or []
    except metadata.PackageNotFoundError:
        return []
    wanted = []
    for line in map(Requirement, lines):
        if line.marker and any(line.marker.evaluate({"extra": e}) for e in requirement.extras):
            wanted.append(line)
    return wanted


def _extra_of(requirement: Requirement) -> str | None:
    marker = str(requirement.marker or "")
    if "extra ==" in marker:
        return marker.split("extra ==", 1)[1].strip().strip("'\"")
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="authlab check", description=__doc__)
    parser.add_argument("--extra", action="append", default=[], choices=("test", "instructor"),
                        help="also check this extra's tools (repeatable)")
    args = parser.parse_args(argv)
    try:
        report = check_environment(extras=args.extra)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(report)
    return 0 if report.ok else 1
