"""measure starts timing at once, without warm-up requests."""
TARGET = "check_warmup"
EDITS = {"        for _ in range(warmup):\n            senders[name]()\n": "        pass\n"}
