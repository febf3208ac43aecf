"""measure times the warm-up requests too and keeps them among the samples."""
TARGET = "check_warmup"
EDITS = {
    "    for name in names:\n        for _ in range(warmup):\n            senders[name]()\n"
    "    samples = {name: [] for name in names}\n":
    "    samples = {name: [] for name in names}\n    for name in names:\n        for _ in range(warmup):\n"
    "            started = time.perf_counter()\n            senders[name]()\n"
    "            samples[name].append(time.perf_counter() - started)\n",
}
