"""percentile reads ranks from the samples as given, without sorting them."""
TARGET = "check_statistics"
EDITS = {"    ordered = sorted(samples)\n    rank": "    ordered = list(samples)\n    rank"}
