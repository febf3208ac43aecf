"""percentile uses the nearest rank instead of the stated linear interpolation."""
TARGET = "check_statistics"
EDITS = {
    "    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])":
    "    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]",
}
