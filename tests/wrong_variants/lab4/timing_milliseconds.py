"""measure returns milliseconds although the lab asks for seconds."""
TARGET = "check_timing"
EDITS = {
    "            samples[name].append(time.perf_counter() - started)":
    "            samples[name].append(1000 * (time.perf_counter() - started))",
}
