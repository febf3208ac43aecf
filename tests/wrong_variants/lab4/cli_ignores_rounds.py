"""main parses --rounds and --warmup but measures with the defaults."""
TARGET = "check_cli"
EDITS = {"        samples = measure(senders, args.rounds, args.warmup)": "        samples = measure(senders)"}
