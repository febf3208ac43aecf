"""main prints the table but returns None, not the exit status 0."""
TARGET = "check_cli"
EDITS = {"    print(table(rows))\n    return 0": "    print(table(rows))"}
