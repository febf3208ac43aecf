"""The runner benchmark leaves nothing behind (its figures are printed by `make bench`, not asserted)."""

from authlab import bench


def test_runner_cycles_leave_no_threads_or_ports():
    figures = bench.measure(bench._cycle_authlab, 20)
    assert figures["threads_left"] == 0 and figures["ports_left"] == 0


def test_bench_command_prints_both_rows(capsys):
    bench.main(["--cycles", "5", "--baseline-cycles", "1"])
    out = capsys.readouterr().out
    assert "authlab.serve" in out and "werkzeug make_server" in out
