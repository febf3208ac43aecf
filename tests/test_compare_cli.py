"""`authlab compare`: the quick run end to end, its table, JSON schema and plots; bad options in one line."""

import json
import socket

import pytest

import authlab
from authlab import compare
from authlab.apps import session_app
from authlab.cli import main as authlab_main
from authlab.compare import cli
from authlab.users import Users

APPROACHES = ["session", "jwt-header", "jwt-cookie"]


@pytest.fixture(scope="module")
def quick():
    return compare.run(quick=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("argv, expected", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--concurrency", "0"], "--concurrency: expected a whole number from 1 to 64, got '0'"),
    (["--rounds", "many"], "--rounds: expected a whole number"),
    (["--store", "mongo"], "--store: invalid choice: 'mongo'"),
    (["--session-url", "localhost:5000"], "--session-url: expected a URL"),
])
def test_bad_options_exit_2_with_one_line(argv, expected, capsys):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and expected in captured.err and "Traceback" not in captured.err
    assert captured.err.startswith("authlab compare: ")


def test_plot_into_a_file_is_a_bad_option(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("")
    assert cli.main(["--plot", str(target)]) == 2
    assert "exists and is not a directory" in capsys.readouterr().err


def test_plot_folder_that_cannot_be_created_is_a_bad_option(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert cli.main(["--plot", str(tmp_path / "file" / "plots")]) == 2
    assert "cannot create it" in capsys.readouterr().err


def test_a_server_already_running_is_measured_instead_of_a_reference_one():
    server = authlab.serve(session_app(users=Users({"alice": "secret123"})), name="compare-external", show=False)
    tiny = compare.Plan(warmup=1, rounds=2, per_round=2, resamples=100, growth_points=(1, 10),
                        lookup_population=5, auth_budget=0.01, claim_counts=(0, 1))
    result = compare.run(plan=tiny, urls={"session": server.url + "/"}, redis=False)
    assert result.config["external"] == ["session"] and "redis" in result.skipped
    assert sum(exchange.path == "/profile" for exchange in server.log) == 1 + 2 * 2
    assert result.server_state[0].logged_in is None  # another server's store is not visible
    assert "already running: session" in result.table()


def test_unreachable_server_exits_1_with_one_line(capsys):
    url = f"http://127.0.0.1:{_closed_port()}"
    assert authlab_main(["compare", "--quick", "--no-redis", "--session-url", url]) == 1
    err = capsys.readouterr().err
    assert err == f"authlab compare: session: nothing answers at {url} (is the server running?)\n"


def test_help_exits_0(capsys):
    assert cli.main(["--help"]) == 0
    assert "--quick" in capsys.readouterr().out


def test_quick_run_measures_all_three_with_little_overhead(quick):
    assert list(quick.summaries) == APPROACHES
    assert all(summary.n == compare.QUICK.rounds * compare.QUICK.per_round for summary in quick.summaries.values())
    assert quick.overhead_ok and quick.overhead_share < 0.05
    assert quick.elapsed < 60  # generous: the target is 5 s on an idle machine
    assert all(step.per_call < quick.summaries[step.approach].median for step in quick.auth_steps)
    assert [state.logged_in for state in quick.server_state][1:] == [0, 0]  # JWT keeps nothing while logged in


def test_table_shows_every_section_and_the_overhead(quick):
    table = quick.table()
    for heading in ("Round trip (ms)", "measuring loop:", "Where the time goes", "Server-side bytes per active",
                    "Bytes on the wire", "Sizes in bytes as the token"):
        assert heading in table
    assert all(name in table for name in APPROACHES)
    assert "Round trip (ms)" in repr_pretty(quick) and "CompareResult of session" in repr(quick)


def repr_pretty(result) -> str:
    from IPython.lib.pretty import pretty

    return pretty(result)


def test_json_schema_and_plots_through_the_command(quick, tmp_path, monkeypatch, capsys):
    asked = {}

    def fake_run(quick_flag, **options):
        asked.update(options, quick=quick_flag)
        return quick

    monkeypatch.setattr(cli, "run", fake_run)
    assert cli.main(["--quick", "--json", "--no-progress", "--plot", str(tmp_path / "plots")]) == 0
    assert asked["quick"] is True and asked["progress"] is False and asked["mode"] == "threads"
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "authlab.compare/1"
    assert set(data) == {"schema", "config", "latency", "overhead", "auth_step", "storage", "wire", "token_size",
                         "elapsed_s", "phases_s", "plots"}
    assert [row["approach"] for row in data["latency"]] == APPROACHES
    for row in data["latency"]:
        assert row["ci_low_ms"] <= row["median_ms"] <= row["ci_high_ms"] and row["median_ms"] <= row["p95_ms"]
        assert row["p95_ms"] <= row["p99_ms"] and row["requests_per_s"] > 0
    assert data["overhead"]["ok"] is True and data["overhead"]["limit"] == 0.05
    assert {row["step"] for row in data["auth_step"]} >= {"session lookup (memory)", "JWT verify HS256",
                                                          "JWT verify RS256"}
    growth = {row["store"]: row for row in data["storage"]["growth"]}
    assert growth["memory"]["users"] == list(compare.QUICK.growth_points)
    assert data["storage"]["jwt_server_bytes_per_user"] == 0
    assert [row["approach"] for row in data["wire"]] == APPROACHES
    assert data["token_size"]["cookie_limit"] == 4096
    assert "percentile" in data["config"] and "ci" in data["config"]
    assert sorted(path.rsplit("/", 1)[1] for path in data["plots"]) == [
        "auth_step.png", "bytes_per_request.png", "latency.png", "store_growth.png"]
    for path in data["plots"]:
        with open(path, "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_table_output_through_the_command(quick, monkeypatch, capsys):
    monkeypatch.setattr(cli, "run", lambda quick_flag, **options: quick)
    assert cli.main(["--quick", "--processes", "--concurrency", "2"]) == 0
    assert capsys.readouterr().out.startswith("authlab compare: sessions vs JWT")
