"""main puts the median in seconds into the milliseconds column."""
TARGET = "check_cli"
EDITS = {'                "median_ms": 1000 * median(samples[approach]),':
         '                "median_ms": median(samples[approach]),'}
