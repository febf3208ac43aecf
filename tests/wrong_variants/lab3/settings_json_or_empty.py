"""/settings reads `request.get_json(silent=True) or {}` and calls .get on it: a JSON array such as [1] crashes it."""
TARGET = "check_bad_cookies"
EDITS = {
    '''    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("email"), str):''':
    '''    data = request.get_json(silent=True) or {}
    if not isinstance(data.get("email"), str):''',
}
