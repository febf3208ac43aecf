"""Correct: measure times with time.perf_counter_ns() and converts to seconds; no wall-clock fingerprint."""
TARGET = None
EDITS = {
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = time.perf_counter_ns()\n            senders[name]()\n"
    "            samples[name].append((time.perf_counter_ns() - started) / 1e9)",
}
