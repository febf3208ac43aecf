"""measure times all rounds of one approach, then all of the next: drift lands on one approach."""
TARGET = "check_interleaved"
EDITS = {
    "    for round_number in range(rounds):\n        shift = round_number % len(names)\n"
    "        for name in names[shift:] + names[:shift]:\n":
    "    for name in names:\n        for _ in range(rounds):\n",
}
