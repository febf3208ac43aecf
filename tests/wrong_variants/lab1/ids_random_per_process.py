"""Session IDs from a private random.Random() made at the first login in each process: forked twins do not share it,
but 624 outputs of 32 bits give its state away, and a clone predicts the next ID."""
TARGET = "check_session_ids"
EDITS = {
    "def start_session(username: str) -> str:\n":
    "import base64\nimport os\nimport random\n\nGENERATORS = {}  # process ID -> its generator\n\n\n"
    "def start_session(username: str) -> str:\n"
    "    if os.getpid() not in GENERATORS:\n"
    "        GENERATORS[os.getpid()] = random.Random()\n",
    "session_id = secrets.token_urlsafe(32)":
    "session_id = base64.urlsafe_b64encode(GENERATORS[os.getpid()].randbytes(32)).rstrip(b'=').decode()",
}
