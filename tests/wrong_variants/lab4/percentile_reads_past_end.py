"""percentile reads ordered[low + 1] without a bound, so p100 and a single sample raise IndexError."""
TARGET = "check_statistics"
EDITS = {"    high = min(low + 1, len(ordered) - 1)": "    high = low + 1"}
