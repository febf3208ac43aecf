"""measure reads time.time through a default argument (now=time.time), out of reach of a swapped name."""
TARGET = "check_monotonic_clock"
EDITS = {
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:":
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5, now=time.time) -> dict[str, list[float]]:",
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = now()\n            senders[name]()\n"
    "            samples[name].append(now() - started)",
}
