"""The store reads time.time() directly, so the server's notion of idleness ignores the lab's clock."""
TARGET = "check_idle_expiry"
EDITS = {'if clock() - session["last_seen"] > IDLE_TIMEOUT:':
         'if __import__("time").time() - session["last_seen"] > IDLE_TIMEOUT:'}
