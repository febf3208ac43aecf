"""A leeway of ten minutes: an ID token expired a minute ago still signs in."""
TARGET = "check_expired"
EDITS = {
    "leeway=LEEWAY,":
        "leeway=600,",
}
