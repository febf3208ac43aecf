"""Login indexes the JSON body directly, so a body without fields crashes it ."""
TARGET = "check_malformed_input"
EDITS = {
    '''    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    username, password = data.get("username"), data.get("password")''':
    '''    data = request.get_json(silent=True)
    username, password = data["username"], data["password"]''',
}
