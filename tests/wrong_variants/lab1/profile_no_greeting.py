"""/profile answers 200 but does not say who is logged in."""
TARGET = "check_login"
EDITS = {'return {"message": f"Hello, {username}", "user": username}': 'return {"message": "Hello"}'}
