"""Correct: a class-based session store that gets the clock in its constructor (the clock contract allows it)."""
TARGET = None
EDITS = {
    "def start_session(username: str) -> str:\n":
    "class Store:\n"
    "    def __init__(self, now):\n"
    "        self.now = now\n"
    "\n"
    "    def touch(self, session):\n"
    "        session['last_seen'] = self.now()\n"
    "\n"
    "    def idle(self, session):\n"
    "        return self.now() - session['last_seen'] > IDLE_TIMEOUT\n"
    "\n"
    "\n"
    "STORE = Store(clock)\n"
    "\n"
    "\n"
    "def start_session(username: str) -> str:\n",
    'SESSIONS[session_id] = {"user": username, "last_seen": clock()}\n    return session_id':
    'SESSIONS[session_id] = {"user": username}\n    STORE.touch(SESSIONS[session_id])\n    return session_id',
    'if clock() - session["last_seen"] > IDLE_TIMEOUT:': "if STORE.idle(session):",
    '    session["last_seen"] = clock()\n': "    STORE.touch(session)\n",
}
