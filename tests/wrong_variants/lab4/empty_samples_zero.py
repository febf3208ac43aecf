"""No samples give 0.0 instead of a ValueError, a median that was never measured."""
TARGET = "check_statistics"
EDITS = {'        raise ValueError("no samples: measure something first")': "        return 0.0"}
