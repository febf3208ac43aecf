"""The per-user "not before" cut-off for JWTs (authlab.cutoff)."""

from fakes import FakeClock

from authlab.cutoff import NotBefore
from authlab.stores import MemoryStore


def _cutoff():
    clock = FakeClock()
    return NotBefore(MemoryStore(clock), max_lifetime=900, clock=clock), clock


def test_tokens_before_the_cut_off_are_refused_later_ones_allowed():
    cutoff, clock = _cutoff()
    before = {"sub": "alice", "iat": clock()}
    assert cutoff.allows(before)  # no cut-off yet
    clock.sleep(0.25)
    at = cutoff.cut_off("alice")
    assert not cutoff.allows(before)
    assert not cutoff.allows({"sub": "alice", "iat": at})  # issued at the very instant: refused
    clock.sleep(0.25)
    assert cutoff.allows({"sub": "alice", "iat": clock()})  # signed in again afterwards


def test_other_users_are_untouched():
    cutoff, clock = _cutoff()
    cutoff.cut_off("alice")
    assert cutoff.allows({"sub": "bob", "iat": clock() - 60}) and cutoff.of("bob") is None


def test_the_entry_lasts_as_long_as_the_longest_token():
    cutoff, clock = _cutoff()
    old = {"sub": "alice", "iat": clock() - 1}
    cutoff.cut_off("alice")
    clock.sleep(899)
    assert not cutoff.allows(old)
    clock.sleep(2)  # any token from before the cut-off has expired by now: the entry may go
    assert cutoff.of("alice") is None and cutoff.store.count() == 0


def test_whole_second_iat_errs_on_the_safe_side():
    cutoff, clock = _cutoff()
    clock.now = 1_000_000.4
    cutoff.cut_off("alice")
    clock.sleep(0.3)
    assert not cutoff.allows({"sub": "alice", "iat": int(clock())})  # same second, rounded down: refused
