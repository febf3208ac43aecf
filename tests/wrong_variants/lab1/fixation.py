"""Login keeps the session ID the request brought (session fixation)."""
TARGET = "check_no_fixation"
EDITS = {
    '''    end_session(request.cookies.get(COOKIE_NAME))
    response = make_response({"message": f"Welcome, {username}"})
    response.set_cookie(COOKIE_NAME, start_session(username), httponly=True, samesite="Lax")''':
    '''    session_id = request.cookies.get(COOKIE_NAME) or start_session(username)
    SESSIONS[session_id] = {"user": username, "last_seen": clock()}
    response = make_response({"message": f"Welcome, {username}"})
    response.set_cookie(COOKIE_NAME, session_id, httponly=True, samesite="Lax")''',
}
