"""Session IDs hash the time read through a reference captured as a default argument (now=time.time)."""
TARGET = "check_session_ids"
EDITS = {
    "def start_session(username: str) -> str:\n":
    "import hashlib\nimport time\n\n\ndef start_session(username: str, now=time.time) -> str:\n",
    "session_id = secrets.token_urlsafe(32)": "session_id = hashlib.sha256(repr(now()).encode()).hexdigest()",
}
