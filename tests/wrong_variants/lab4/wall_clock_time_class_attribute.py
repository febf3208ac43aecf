"""measure reads time.time kept as a class attribute, out of the moved clock's reach: samples on its 2**-22 s step."""
TARGET = "check_monotonic_clock"
EDITS = {
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:":
    "class Clocks:\n    wall = time.time\n\n\n"
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:",
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = Clocks.wall()\n            senders[name]()\n"
    "            samples[name].append(Clocks.wall() - started)",
}
