"""The check framework: each check runs in a checker process of its own, messages say what is wrong, totals add up."""

import secrets
import sys
import uuid

import pytest
from fakes import lab1_app
from flask import Flask

import authlab.checks
from authlab.checks import _results, total
from authlab.checks._core import estimated_bits


@pytest.fixture(autouse=True)
def _fresh_totals():
    _results.clear()
    yield
    _results.clear()


def _app(httponly=True):
    """A minimal lab-1 app: enough for the cookie and no-session checks."""
    return lab1_app(httponly=httponly)


def test_patches_in_the_kernel_do_not_reach_the_checker_process():
    """Check failures are AssertionErrors, whatever this process did to its own copies of the checks."""
    first = authlab.checks.lab1
    first.check_cookie_flags = lambda *args: None
    copy = authlab.checks.fresh("lab1")
    sys.modules["authlab.checks.lab1"].check_cookie_flags = lambda *args: None
    sys.modules["authlab.checks._core"].fail = lambda *args: None
    from authlab.checks import lab1

    assert lab1 is not first and copy is not authlab.checks.fresh("lab1")
    app, register = _app(httponly=False)
    with pytest.raises(AssertionError, match="lacks HttpOnly") as failure:
        lab1.check_cookie_flags(app, register)
    assert failure.value._render_traceback_()[0].endswith("✘ the cookie 'sid' lacks HttpOnly, so page scripts "
                                                          "can read it\x1b[0m")


def test_a_passing_check_prints_one_line_per_behaviour(capsys):
    app, register = _app()
    authlab.checks.lab1.check_cookie_flags(app, register)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("✔ ") for line in lines)


def test_failure_is_one_sentence_with_a_hint():
    app, register = _app(httponly=False)
    with pytest.raises(AssertionError) as failure:
        authlab.checks.lab1.check_cookie_flags(app, register)
    message = str(failure.value)
    assert "\n" not in message and "; pass httponly=True" in message


def test_a_crashing_view_is_named_with_its_exception():
    app = Flask("lab1-crash")

    @app.get("/profile")
    def profile():
        raise NotImplementedError()

    with pytest.raises(AssertionError, match=r"GET /profile crashed with NotImplementedError in profile\(\) "
                                             r"\(status 500\); replace the `raise NotImplementedError\(\)` in "
                                             r"profile\(\) with your code and run the cell of profile\(\) again"):
        authlab.checks.lab1.check_requires_session(app, lambda username, password: None)


def test_a_crash_is_one_line_in_the_failure_not_a_logged_traceback(caplog):
    """Flask logs a crash's traceback (to stderr, in a kernel); in a test cell only the ✘ block says it, in one line."""
    app = Flask("lab1-crash-log")

    @app.get("/profile")
    def profile():
        raise NotImplementedError()

    with pytest.raises(AssertionError, match="crashed with NotImplementedError"):
        authlab.checks.lab1.check_requires_session(app, lambda username, password: None)
    assert not [record for record in caplog.records if record.name == app.logger.name]
    assert not app.logger.disabled  # the app logs its errors again once the check is over


def test_an_error_names_the_learners_function_it_came_from():
    """create_app() failing in a helper a step above: the message says which function to finish."""
    def discover(url):
        raise NotImplementedError()

    def register(username, password):
        discover(username)

    with pytest.raises(AssertionError, match=r"register\(\) raised NotImplementedError in discover\(\); replace "
                                             r"the `raise NotImplementedError\(\)` in discover\(\)"):
        authlab.checks.lab1.check_passwords_hashed(register, {})


def test_a_student_function_that_raises_is_reported_not_propagated():
    def register(username, password):
        raise NotImplementedError()

    with pytest.raises(AssertionError, match=r"register\(\) raised NotImplementedError"):
        authlab.checks.lab1.check_passwords_hashed(register, {})


def test_not_an_app_is_a_clear_failure():
    with pytest.raises(AssertionError, match="app is not a Flask app"):
        authlab.checks.lab1.check_login(None, lambda u, p: None)


def test_total_counts_visible_checks_passed_in_this_kernel(capsys):
    app, register = _app()
    authlab.checks.lab1.check_cookie_flags(app, register)
    with pytest.raises(AssertionError):
        authlab.checks.lab1.check_cookie_flags(*_app(httponly=False))
    authlab.checks.lab1.check_requires_session(app, register)
    capsys.readouterr()
    total("lab1")
    out = capsys.readouterr().out
    assert out.startswith("lab1: 2 of 22 points")
    assert "✘  failed       check_cookie_flags" in out and "✔  passed       check_requires_session" in out
    assert "check_malformed_login" not in out  # hidden tests stay hidden


def test_unknown_lab_is_refused():
    with pytest.raises(ValueError, match="no checks for 'lab9'"):
        authlab.checks.fresh("lab9")


@pytest.mark.parametrize(("make", "enough"), [
    (lambda: secrets.token_urlsafe(32), True),
    (lambda: secrets.token_hex(16), True),
    (lambda: "sess_" + secrets.token_hex(20), True),
    (lambda: str(uuid.uuid4()), False),
    (lambda: str(uuid.uuid1()), False),
    (lambda: secrets.token_hex(8), False),
])
def test_estimated_bits_separates_strong_from_weak_ids(make, enough):
    assert (estimated_bits([make() for _ in range(8)]) >= 128) is enough
