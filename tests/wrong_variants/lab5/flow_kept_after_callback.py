"""The login stays in the store after its callback (get, not pop): a replayed callback URL signs in again."""
TARGET = "check_replay"
EDITS = {
    'flow = flows.pop(request.cookies.get(FLOW_COOKIE, ""), None)':
        'flow = flows.get(request.cookies.get(FLOW_COOKIE, ""))',
}
