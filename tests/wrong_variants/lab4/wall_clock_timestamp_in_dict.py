"""measure reads datetime.now().timestamp() through a dict, out of reach of any swap: floats with time.time()'s step."""
TARGET = "check_monotonic_clock"
EDITS = {
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:":
    "from datetime import datetime\n\nCLOCK = {'now': datetime.now}\n\n\n"
    "def measure(senders: dict, rounds: int = 30, warmup: int = 5) -> dict[str, list[float]]:",
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = CLOCK['now']().timestamp()\n            senders[name]()\n"
    "            samples[name].append(CLOCK['now']().timestamp() - started)",
}
