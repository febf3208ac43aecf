"""measure times with time.process_time, which counts CPU work and not the wait for the server."""
TARGET = "check_timing"
EDITS = {
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = time.process_time()\n            senders[name]()\n"
    "            samples[name].append(time.process_time() - started)",
}
