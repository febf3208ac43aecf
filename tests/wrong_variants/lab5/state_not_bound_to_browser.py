"""Logins are looked up by their state in one store for everyone, not by this browser's cookie: login CSRF works."""
TARGET = "check_state"
EDITS = {
    'flow = flows.pop(request.cookies.get(FLOW_COOKIE, ""), None)':
        ('flow = next((flows.pop(key) for key, value in list(flows.items()) if value["stat'
         'e"] == request.args.get("state")),\n'
         '                    None)'),
}
