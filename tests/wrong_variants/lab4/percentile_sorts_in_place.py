"""percentile sorts the caller's list in place, losing the order the samples were taken in."""
TARGET = "check_statistics"
EDITS = {"    ordered = sorted(samples)\n    rank": "    samples.sort()\n    ordered = samples\n    rank"}
