"""The callback reads request.args["code"]: no code gets an HTML 400 from Flask, not a JSON error."""
TARGET = "check_robustness"
EDITS = {
    ('        code = request.args.get("code")\n'
     '        if not code:\n'
     '            return error("the callback carries no code")\n'):
        '        code = request.args["code"]\n',
}
