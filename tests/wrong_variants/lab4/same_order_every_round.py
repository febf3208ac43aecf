"""measure interleaves the approaches but always in the same order, so the first one always goes first."""
TARGET = "check_interleaved"
EDITS = {"        shift = round_number % len(names)\n": "        shift = 0\n"}
