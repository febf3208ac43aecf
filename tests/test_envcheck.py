import pytest

from authlab.envcheck import Report, Row, check_environment, main


def test_installed_environment_passes():
    report = check_environment()
    assert report.ok, str(report)
    assert {"flask", "pyjwt", "cryptography", "requests"} <= {row.name for row in report}


def test_only_what_the_lessons_need_unless_extras_are_asked_for():
    """00's table lists the course's packages, not the test and instructor tools."""
    names = {row.name for row in check_environment()}
    assert not names & {"pytest", "playwright", "jupyterhub", "nbgrader"}
    with_tools = check_environment(extras=("test", "instructor"))
    assert {"pytest", "nbgrader"} <= {row.name for row in with_tools}
    assert {row.extra for row in with_tools} == {None, "test", "instructor"}


def test_too_old_and_missing_packages_are_flagged_in_words():
    report = Report([Row("flask", ">=3.1", "2.0.0", None), Row("pyjwt", ">=2.13", None, None),
                     Row("nbgrader", ">=0.9", None, "instructor")])
    assert not report.ok
    summary = report.summary()
    assert "2 of 2 course packages missing or too old" in summary
    assert "make lab" in summary and "pip install -e '.[instructor]'" in summary
    assert [row.status for row in report] == ["too old, needs >=3.1", "missing", "missing"]
    text, html = str(report), report._repr_html_()
    assert "too old, needs >=3.1" in text and "missing" in text and repr(report) == text
    assert "&#10060; missing" in html and "too old, needs &gt;=3.1" in html


def test_status_of_a_good_row_is_ok_in_words_and_symbol():
    html = Report([Row("flask", ">=3.1", "3.1.2", None)])._repr_html_()
    assert "&#9989; ok" in html


def test_unknown_distribution_says_how_to_fix():
    with pytest.raises(RuntimeError, match="pip install"):
        check_environment("no-such-course-package")


def test_command_prints_table(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "course packages present" in out and "pytest" not in out
    assert main(["--extra", "test"]) == 0
    assert "pytest [test]" in capsys.readouterr().out
