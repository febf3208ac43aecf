"""authlab.timeline with a fake clock: ticks, actions, queries, text and plot."""

import matplotlib
import pytest
from fakes import FakeClock

from authlab.timeline import Probe, watch

matplotlib.use("Agg")


def logout_scenario(clock):
    """A session refused at once after logout; a token accepted until it expires at t=1.5."""
    logged_out = []

    def session():
        return 401 if logged_out else 200

    def token():
        return 200 if clock() - 1000.0 < 1.5 else 401

    return watch({"session": session, "JWT": token}, seconds=2, every=0.25,
                 actions={0.5: ("log out", lambda: logged_out.append(True))}, clock=clock, sleep=clock.sleep)


def test_probes_run_at_every_tick():
    clock = FakeClock(1000.0)
    timeline = logout_scenario(clock)
    assert [p.at for p in timeline.probes["session"]] == [i * 0.25 for i in range(9)]
    assert timeline.start == 1000.0


def test_actions_run_before_the_probes_of_their_tick_and_are_marked():
    clock = FakeClock(1000.0)
    timeline = logout_scenario(clock)
    assert timeline.event("log out") == 0.5
    assert timeline.accepted("session") == [0.0, 0.25]
    assert timeline.refused("session", after=0.4) == [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]


def test_the_token_outlives_logout_until_it_expires():
    clock = FakeClock(1000.0)
    timeline = logout_scenario(clock)
    logout = timeline.event("log out")
    assert timeline.accepted("JWT", after=logout - 0.01) == [0.5, 0.75, 1.0, 1.25]
    assert timeline.refused("JWT") == [1.5, 1.75, 2.0]


def test_marks_are_kept_in_time_order_and_printed():
    timeline = logout_scenario(FakeClock(1000.0))
    timeline.mark(1.5, "JWT exp")
    timeline.mark(0.1, "login")
    assert [label for _, label in timeline.events] == ["login", "log out", "JWT exp"]
    text = str(timeline)
    assert "session  ✓✓✗✗✗✗✗✗✗" in text
    assert "    JWT  ✓✓✓✓✓✓✗✗✗" in text
    assert "JWT exp at 1.50 s" in text


def test_a_slow_probe_does_not_shift_the_schedule():
    clock = FakeClock(1000.0)

    def slow():
        clock.now += 0.1
        return 200

    timeline = watch({"slow": slow}, seconds=1, every=0.5, clock=clock, sleep=clock.sleep)
    assert [round(p.at, 6) for p in timeline.probes["slow"]] == [0.0, 0.5, 1.0]


def test_unknown_names_are_clear_errors():
    timeline = logout_scenario(FakeClock(1000.0))
    with pytest.raises(KeyError, match="no probe 'jwt'.*'session', 'JWT'"):
        timeline.accepted("jwt")
    with pytest.raises(KeyError, match="no event 'logout'.*'log out'"):
        timeline.event("logout")


def test_bad_schedule_is_refused():
    with pytest.raises(ValueError, match="every > 0"):
        watch({}, seconds=1, every=0)


def test_probe_accepts_only_2xx():
    assert Probe(0, 204).accepted and not Probe(0, 401).accepted and not Probe(0, 302).accepted


def test_plot_has_one_row_per_probe_and_a_line_per_event():
    timeline = logout_scenario(FakeClock(1000.0))
    timeline.mark(1.5, "JWT exp")
    figure = timeline.plot()
    ax = figure.axes[0]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["session", "JWT"]
    assert len(ax.lines) == 2  # the two dashed event lines
    assert len(ax.collections) == 4  # accepted and refused markers for each row
