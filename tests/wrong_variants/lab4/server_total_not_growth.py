"""server_bytes_per_session divides the whole store by its count, other users' sessions included."""
TARGET = "check_server_bytes"
EDITS = {"    return (store.bytes_used() - before) / sessions": "    return store.bytes_used() / store.count()"}
