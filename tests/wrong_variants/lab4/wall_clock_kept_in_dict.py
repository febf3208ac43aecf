"""measure reads time.time kept in a dict of its module: the moved wall clock reaches it there too."""
TARGET = "check_monotonic_clock"
EDITS = {
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:":
    "CLOCKS = {'wall': time.time}\n\n\n"
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:",
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = CLOCKS['wall']()\n            senders[name]()\n"
    "            samples[name].append(CLOCKS['wall']() - started)",
}
