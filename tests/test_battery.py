"""The attack battery: every course server and lab solution holds, every vulnerable demo falls."""

import pytest

import authlab
from authlab.apps import jwt_header_app, session_app
from authlab.attacks.battery import course_battery, format_report, run_attacks, summary
from authlab.attacks.catalog import ATTACKS
from authlab.attacks.cli import main
from authlab.attacks.probes import Target
from authlab.users import Users
from authlab.vulnerable import alg_confusion_app, csrf_app


@pytest.fixture(scope="module")
def users():
    return Users()


def test_course_servers_hold_and_demos_fall(users, capsys):
    result = course_battery(users)
    with capsys.disabled():
        print(f"\ncourse servers and lab solutions: {summary(result.secure)}")
        print(f"vulnerable demos: {summary(result.demos)}")
        for problem in result.not_loaded:
            print(f"lab solution not attacked: {problem}")
    broken = [f"{o.target}: {o.attack.id} {o.verdict}: {o.detail}" for o in result.secure
              if o.verdict not in ("refused", "skipped")]
    assert not broken, "\n".join(broken)
    dishonest = [f"{o.target}: {o.attack.id} {o.verdict}: {o.detail}" for o in result.demos if o.verdict != "succeeded"]
    assert not dishonest, "\n".join(dishonest)
    tried = {o.attack.id for o in result.secure if o.verdict == "refused"}
    # No course server uses Flask's signed-cookie session, so that attack never applies to one.
    assert tried == {attack.id for attack in ATTACKS} - {"flask-weak-secret"}
    assert {o.attack.id for o in result.demos} == {attack.id for attack in ATTACKS}
    assert "lab1_sessions.ipynb" not in " ".join(result.not_loaded)
    assert any(o.target == "lab1" for o in result.secure)


def test_command_reports_a_secure_server(users, capsys):
    server = authlab.serve(session_app(users=users), show=False)
    assert main([server.url, "--kind", "session"]) == 0
    out = capsys.readouterr().out
    assert "session-fixation     refused   [CWE-384]" in out
    assert "attacks tried against 1 servers" in out and "0 succeeded" in out


def test_command_reports_succeeded_attacks_with_their_advisory(users, capsys):
    server = authlab.serve(alg_confusion_app(users=users), show=False)  # its public key is published
    assert main([server.url, "--kind", "jwt-header", "--only", "jwt-alg-confusion"]) == 1
    assert "SUCCEEDED [CWE-347; CVE-2015-9235" in capsys.readouterr().out
    server = authlab.serve(csrf_app(users), show=False)
    assert main([server.url, "--kind", "session", "--skip", "session-predictable"]) == 1
    out = capsys.readouterr().out
    assert "csrf                 SUCCEEDED" in out
    assert "session-predictable  n/a       [CWE-330, CWE-338, CWE-340] left out (--skip)" in out


def test_command_expiry_attack_needs_the_key(users, capsys):
    key = b"k" * 32
    server = authlab.serve(jwt_header_app(key, users), show=False)
    assert main([server.url, "--kind", "jwt-header", "--only", "jwt-expired"]) == 0
    assert "needs the server's key" in capsys.readouterr().out
    assert main([server.url, "--kind", "jwt-header", "--only", "jwt-expired", "--hmac-secret", "k" * 32]) == 0
    assert "jwt-expired          refused" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["http://127.0.0.1:9", "--kind", "session"], "cannot reach http://127.0.0.1:9: connection refused"),
    (["http://example.com", "--kind", "session"], "not on this machine"),
    (["http://127.0.0.1:9", "--kind", "session", "--username", "mallory"], "pass --password"),
])
def test_command_errors_are_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_command_lists_the_attacks(capsys):
    assert main(["--list"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == len(ATTACKS) == 15


def test_summary_counts_the_not_applicable_rows_the_report_lists(users):
    with authlab.serve(jwt_header_app(users=users), name="test-battery-na", show=False) as server:
        outcomes = run_attacks(Target(server.url, "jwt-header"))
    listed = sum(" n/a " in line for line in format_report(outcomes).splitlines())
    assert listed >= 2 and summary(outcomes).endswith(f"({listed} not applicable)")
    assert any(o.verdict == "skipped" and o.kind not in o.attack.kinds for o in outcomes)  # other kinds' attacks
