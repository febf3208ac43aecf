"""The access token rides in the query string of the redirect to /profile (history, logs, Referer)."""
TARGET = "check_session_cookie"
EDITS = {
    'redirect(url_for("profile"))':
        'redirect(url_for("profile", access_token=tokens["access_token"]))',
}
