"""Login also returns the token in its JSON body, where page scripts can read it."""
TARGET = "check_cookie_flags"
EDITS = {
    '''    response = jsonify(message=f"Logged in as {data['username']}")
    set_login_cookies(response, issue_token(data["username"]))''':
    '''    token = issue_token(data["username"])
    response = jsonify(message=f"Logged in as {data['username']}", token=token)
    set_login_cookies(response, token)''',
}
