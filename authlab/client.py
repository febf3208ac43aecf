"""The client side of the course's login: what a page's own JavaScript does after POST /login."""

from __future__ import annotations

import requests

from authlab.users import DEMO_USERS

CSRF_HEADER = "X-CSRF-Token"

__all__ = ["CSRF_HEADER", "log_in"]


def log_in(client: requests.Session, base_url: str, username: str = "alice",
           password: str | None = None) -> requests.Response:
    """Log ``client`` (a requests.Session) in to a course app; returns the response.

    For the header app it also sets ``Authorization`` on the session; for the cookie app
    it sets the CSRF header, as the page's own JavaScript would.
    """
    password = DEMO_USERS[username] if password is None else password
    response = client.post(f"{base_url}/login", json={"username": username, "password": password}, timeout=10)
    if response.ok:
        body = response.json()
        if "token" in body:
            client.headers["Authorization"] = f"Bearer {body['token']}"
        if "csrf_token" in body:
            client.headers[CSRF_HEADER] = body["csrf_token"]
    return response
