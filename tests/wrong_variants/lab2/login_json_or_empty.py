"""Login reads `request.get_json(silent=True) or {}` and calls .get on it: a JSON array such as [1] crashes it."""
TARGET = "check_bad_headers"
EDITS = {
    '''    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
''': '''    data = request.get_json(silent=True) or {}
''',
}
