"""The callback never compares state with this browser's login."""
TARGET = "check_state"
EDITS = {
    ('        if not hmac.compare_digest(request.args.get("state", "").encode(), flow["state"].encode()):\n'
     '            return error("state does not match this browser\'s login (a forged callback?)")\n'):
        '',
}
