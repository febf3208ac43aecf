"""The median of an even count takes the upper middle value instead of the mean of the two middle ones."""
TARGET = "check_statistics"
EDITS = {"    return percentile(samples, 50)": "    return sorted(samples)[len(samples) // 2]"}
