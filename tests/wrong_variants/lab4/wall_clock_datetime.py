"""measure times with datetime.now(), the wall clock, imported by name."""
TARGET = "check_monotonic_clock"
EDITS = {
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)":
    "            started = datetime.now()\n            senders[name]()\n"
    "            samples[name].append((datetime.now() - started).total_seconds())",
    "def measure(senders: dict,": "from datetime import datetime\n\n\ndef measure(senders: dict,",
}
