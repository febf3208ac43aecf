"""Login's body carries a second valid token ("refresh"), where page scripts can read it."""
TARGET = "check_cookie_flags"
EDITS = {
    '''    response = jsonify(message=f"Logged in as {data['username']}")''':
    '''    response = jsonify(message=f"Logged in as {data['username']}", refresh=issue_token(data["username"]))''',
}
