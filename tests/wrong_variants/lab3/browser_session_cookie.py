"""The cookies have no Max-Age or Expires: the browser decides how long they live."""
TARGET = "check_cookie_flags"
EDITS = {'options = {"max_age": TOKEN_LIFETIME, "path"': 'options = {"path"'}
