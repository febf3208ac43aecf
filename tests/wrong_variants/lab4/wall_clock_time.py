"""measure times with time.time(), the wall clock, which can jump."""
TARGET = "check_monotonic_clock"
EDITS = {
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = time.time()\n            senders[name]()\n"
    "            samples[name].append(time.time() - started)",
}
