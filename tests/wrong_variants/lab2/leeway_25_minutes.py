"""jwt.decode gets leeway=25 minutes: a token stays good 25 minutes after its exp."""
TARGET = "check_expired"
EDITS = {'options={"require": ["exp", "iat", "sub"]})': 'options={"require": ["exp", "iat", "sub"]}, leeway=25 * 60)'}
