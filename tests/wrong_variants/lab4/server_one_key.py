"""server_bytes_per_session saves every record under the same key, so they overwrite each other."""
TARGET = "check_server_bytes"
EDITS = {"        store.save(new_session_id(), record(number), ttl=SESSION_TTL)":
         '        store.save("session-under-test-with-a-long-key", record(number), ttl=SESSION_TTL)'}
