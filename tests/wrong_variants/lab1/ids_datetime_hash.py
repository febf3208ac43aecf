"""Session IDs are the SHA-256 of datetime.now(): microseconds around the request, easily enumerated."""
TARGET = "check_session_ids"
EDITS = {
    "def start_session(username: str) -> str:\n":
    "from datetime import datetime\nimport hashlib\n\n\ndef start_session(username: str) -> str:\n",
    "session_id = secrets.token_urlsafe(32)": "session_id = hashlib.sha256(str(datetime.now()).encode()).hexdigest()",
}
