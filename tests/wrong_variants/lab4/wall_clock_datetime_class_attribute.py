"""measure reads datetime.now kept as a class attribute, out of the moved clock's reach: whole-microsecond samples."""
TARGET = "check_monotonic_clock"
EDITS = {
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:":
    "from datetime import datetime\n\n\nclass Clocks:\n    now = datetime.now\n\n\n"
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:",
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = Clocks.now()\n            senders[name]()\n"
    "            samples[name].append((Clocks.now() - started).total_seconds())",
}
