import pytest

from authlab.envcheck import Report, Row, check_environment, main


def test_installed_environment_passes():
    report = check_environment()
    assert report.ok, str(report)
    assert {"flask", "pyjwt", "cryptography", "requests"} <= {row.name for row in report}


def test_too_old_and_missing_packages_are_flagged():
    report = Report([Row("flask", ">=3.1", "2.0.0", None), Row("pyjwt", ">=2.13", None, None),
                     Row("nbgrader", ">=0.9", None, "instructor")])
    assert not report.ok
    summary = report.summary()
    assert "2 of 2 course packages missing or too old" in summary
    assert "pip install" in summary
    assert "optional, no" in str(report)


def test_unknown_distribution_says_how_to_fix():
    with pytest.raises(RuntimeError, match="pip install"):
        check_environment("no-such-course-package")


def test_command_prints_table(capsys):
    assert main([]) == 0
    assert "course packages present" in capsys.readouterr().out
