"""Session IDs come from a private random.Random(): seeded once from the OS, then a Mersenne Twister to clone."""
TARGET = "check_session_ids"
EDITS = {
    "def start_session(username: str) -> str:\n":
    "GENERATOR = __import__('random').Random()\n\n\ndef start_session(username: str) -> str:\n",
    "session_id = secrets.token_urlsafe(32)": "session_id = '%064x' % GENERATOR.getrandbits(256)",
}
