"""INSTRUCTORS.md as a teacher follows it: every shell block, in order, in one shell, must succeed.

The blocks run from a copy of the repository's lab folders (a teacher's clone), with a fresh
HOME, the real `nbgrader` and `authlab` commands of this environment, and `<exchange>` (the
guide's one placeholder) a temporary folder. Blocks marked `<!-- not run: why -->` need a hub
host or a maintainer's checkout and are skipped; the rest must each exit 0, and the grades at
the end must be the trusted ones: the solved rehearsal 22 of 22, the blank one 0, in the
gradebook's export, in authlab's CSV and in the feedback the student fetches.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from authlab.grading import sandbox

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "INSTRUCTORS.md"
FENCE = re.compile(r"^```bash\n(.*?)^```", re.M | re.S)
SKIP = re.compile(r"<!-- not run: [^>]+ -->\s*$")

pytestmark = pytest.mark.skipif(bool(sandbox.unavailable()), reason=f"no sandbox: {sandbox.unavailable()}")


def blocks(text: str) -> tuple[list[str], list[str]]:
    """The guide's bash blocks to run, and the skipped ones' reasons."""
    run, skipped = [], []
    for match in FENCE.finditer(text):
        before = text[:match.start()].rstrip("\n")
        marker = SKIP.search(before.rsplit("\n", 1)[-1])
        if marker:
            skipped.append(marker.group(0))
        else:
            run.append(match.group(1))
    return run, skipped


def test_every_guide_block_is_run_or_says_why_not():
    run, skipped = blocks(GUIDE.read_text())
    assert len(run) >= 6 and len(skipped) == 4
    assert GUIDE.read_text().count("```bash") == len(run) + len(skipped)
    assert not any("nbgrader autograde" in block for block in run)  # the fooled path is never recommended


def test_the_walkthrough_runs_and_grades_truthfully(tmp_path):
    clone, home, exchange = tmp_path / "clone", tmp_path / "home", tmp_path / "exchange"
    for folder in ("solutions", "labs"):
        shutil.copytree(ROOT / folder, clone / folder)
    home.mkdir()
    run, _ = blocks(GUIDE.read_text())
    script = "\n".join(block.replace("<exchange>", str(exchange)) for block in run)
    env = {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    env.update({key: os.environ[key] for key in ("TMPDIR",) if key in os.environ})
    done = subprocess.run(["bash", "-c", "set -eo pipefail\ntrap 'echo \"FAILED ($?): $BASH_COMMAND\" >&2' ERR\n"
                           + script], cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{done.stderr[-3000:]}\n{done.stdout[-2000:]}"

    course = clone / "course"
    exported = {row["student_id"]: float(row["raw_score"]) for row in csv.DictReader(open(course /
                                                                                           "nbgrader-grades.csv"))}
    assert exported == {"test-blank": 0.0, "test-solved": 22.0}
    ours = {row["student"]: row["total"] for row in csv.DictReader(open(course / "grades.csv"))}
    assert ours == {"test-blank": "0", "test-solved": "22"}
    lms = {row["student"]: row["total"] for row in csv.DictReader(open(clone / "grades.csv"))}
    assert lms == {"blank": "0", "solved": "22"}
    # both rehearsal submissions came from one account, so both pages are fetched, in submission order
    fetched = sorted((clone / "rehearsal" / "test-solved" / "lab1" / "feedback").glob("*/lab1_sessions.html"))
    scores = [re.search(r"lab1_sessions \(Score: ([\d.]+) / 22\.0\)", re.sub(r"<[^>]+>", "", page.read_text()))
              .group(1) for page in fetched]
    assert scores == ["0.0", "22.0"]
    assert sorted(path.name for path in (course / "authlab-feedback").iterdir()) == ["test-blank.html",
                                                                                    "test-solved.html"]
