"""/profile answers 200 without saying who is logged in."""
TARGET = "check_profile"
EDITS = {'return {"message": f"Hello, {claims[\'sub\']}", "user": claims["sub"]}': 'return {"message": "Hello"}'}
