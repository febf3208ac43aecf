"""The labs: labs/ is fresh, solutions score full marks (also through real nbgrader), released labs score
zero without crashing, every deliberately wrong variant loses exactly the points of its target check, and every
unusual but correct variant scores full marks."""

from pathlib import Path

import nbformat
import pytest
from wrong_variants import edited, variants

from authlab.grading.bench import nbgrader_autograde, nbgrader_course
from authlab.grading.grader import grade_all
from authlab.grading.source import all_labs, find_lab, stale
from authlab.notebooks import execute

LABS = all_labs()
VARIANT_LABS = [lab for lab in LABS if variants(lab.id)]


def test_every_lab_is_released_and_fresh():
    assert LABS, "no solutions/lab*_*.ipynb"
    outdated = [lab.notebook for lab in stale(LABS)]
    assert not outdated, f"labs/ is stale for {outdated}: run `make labs`"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_every_lab_has_a_wrong_variant_per_check(lab):
    targets = {variant.target for variant in variants(lab.id)} - {None}
    tests = [cell.metadata.nbgrader["grade_id"] for cell in nbformat.read(lab.source, as_version=4).cells
             if cell.metadata.get("nbgrader", {}).get("grade")]
    assert set(tests) <= targets, f"checks of {lab.id} without a wrong variant: {sorted(set(tests) - targets)}"


@pytest.fixture(scope="module", params=VARIANT_LABS, ids=lambda lab: lab.id)
def graded(request, tmp_path_factory):
    """Solution, released lab and every wrong variant of a lab, graded in one batch."""
    lab = request.param
    folder = tmp_path_factory.mktemp(f"{lab.id}-variants")
    students = {"solution": lab.source, "released": lab.released}
    for variant in variants(lab.id):
        students[variant.name] = folder / f"{variant.name}.ipynb"
        nbformat.write(edited(lab.source, variant.edits), students[variant.name])
    results = {result.student: result for result in grade_all(lab, students, progress=False)}
    return lab, results


def test_solution_scores_full_marks(graded):
    _, results = graded
    solution = results["solution"]
    assert solution.score == solution.max_score > 0, [(c.grade_id, c.reason) for c in solution.checks]
    assert not solution.problems


def test_released_lab_scores_zero(graded):
    _, results = graded
    released = results["released"]
    assert released.score == 0
    assert all(check.reason for check in released.checks)


def test_each_wrong_variant_loses_exactly_its_target(graded):
    lab, results = graded
    wrong = []
    for variant in variants(lab.id):
        result = results[variant.name]
        lost = {check.grade_id for check in result.checks if check.points < check.max_points}
        expected = {variant.target} - {None}
        if lost != expected or result.problems:
            reasons = {c.grade_id: c.reason for c in result.checks if c.grade_id in lost}
            wrong.append(f"{variant.name} ({variant.doc}) lost {sorted(lost)}, not {sorted(expected)}: {reasons} "
                         f"{result.problems or ''}")
    assert not wrong, "\n".join(wrong)


def test_failures_say_what_is_wrong(graded):
    lab, results = graded
    for variant in variants(lab.id):
        if variant.target is None:
            continue
        target = next(c for c in results[variant.name].checks if c.grade_id == variant.target)
        assert target.reason.startswith("CheckFailed: "), (variant.name, target.reason)
        assert ";" in target.reason, f"{variant.name}: the message gives no hint: {target.reason}"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_released_lab_runs_with_errors_only_in_test_and_answer_cells(lab):
    result = execute(lab.released, runs=1, timeout=60, allow_errors=True)
    assert not result.leaks, result.leaks
    cells = result.notebook.cells
    def graded_or_answer(error):
        role = cells[error.index].metadata.get("nbgrader", {})
        return role.get("grade") or role.get("solution")

    outside = [error for error in result.errors if not graded_or_answer(error)]
    assert not outside, [str(e) for e in outside]
    assert result.errors, "a released lab whose test cells all pass cannot score zero"


def test_real_nbgrader_agrees_on_solution_and_released_lab(tmp_path, graded):
    lab, results = graded
    course = nbgrader_course(lab, tmp_path)
    scores = nbgrader_autograde(lab, course, {"solution": lab.source, "released": lab.released})
    for student in ("solution", "released"):
        ours = {check.grade_id: check.points for check in results[student].checks}
        assert scores[student] == ours, student
    assert sum(scores["solution"].values()) == results["solution"].max_score


def test_lab_lookup_by_id_or_notebook_name():
    lab = LABS[0]
    assert find_lab(lab.id) == find_lab(lab.notebook) == lab
    assert isinstance(lab.released, Path)
