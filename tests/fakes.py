"""Test doubles shared by several test modules."""


class FakeClock:
    """A clock that stands still until a test moves it: ``clock.now += 60`` or ``clock.sleep(60)``."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds
