"""The servers and the store the lab 4 checks control: they know the right figures.

Delay servers wait a known time and log the order of the requests they get; credential
servers stand in for the course's three reference apps with credentials of random,
known sizes; the counting store remembers every save. Printing plausible numbers does
not fool them.
"""

from __future__ import annotations

import contextlib
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator

import requests
from flask import Flask, make_response, request

from authlab.checks._core import REQUEST_TIMEOUT, serving
from authlab.stores import MemoryStore
from authlab.users import DEMO_USERS

LAB = "lab4"
APPROACHES = ("session", "jwt-header", "jwt-cookie")
CREDENTIAL_HEADERS = ("Cookie", "Authorization")


def line_bytes(name: str, value: str) -> int:
    return len(f"{name}: {value}\r\n".encode("latin-1"))


def credential_bytes(client: requests.Session, url: str) -> int:
    prepared = client.prepare_request(requests.Request("GET", url))
    return sum(line_bytes(name, prepared.headers[name]) for name in CREDENTIAL_HEADERS if name in prepared.headers)


def delay_app(name: str, delay: float, order: list[str], lock: threading.Lock) -> Flask:
    """A server that logs every request it gets and waits ``delay`` seconds before answering."""
    app = Flask(f"lab4-check-{name}")

    @app.get("/profile")
    def profile():
        with lock:
            order.append(name)
        if delay:
            time.sleep(delay)
        return {"user": "alice"}

    return app


def sender(client: requests.Session, url: str) -> Callable[[], requests.Response]:
    def send() -> requests.Response:
        return client.get(url, timeout=REQUEST_TIMEOUT)

    return send


@contextlib.contextmanager
def delay_servers(delays: dict[str, float]) -> Iterator[tuple[dict[str, Callable], list[str]]]:
    """One server per name, each with its delay; yields the senders and the order requests arrived in."""
    order: list[str] = []
    lock = threading.Lock()
    with contextlib.ExitStack() as stack:
        senders = {}
        for name, delay in delays.items():
            probe = stack.enter_context(serving(delay_app(name, delay, order, lock), f"{LAB}-{name}"))
            senders[name] = sender(stack.enter_context(requests.Session()), probe.url + "/profile")
        yield senders, order


def credential_app(kind: str, credential: str, csrf: str, hits: dict[str, list[bool]]) -> Flask:
    """A stand-in for the reference app of ``kind``: alice logs in, /profile wants the credential back."""
    app = Flask(f"lab4-check-{kind}")

    @app.post("/login")
    def login():
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or body.get("username") != "alice" or body.get("password") != DEMO_USERS["alice"]:
            return {"error": "Invalid credentials"}, 401
        response = make_response({"token": credential} if kind == "jwt-header" else {"user": "alice"})
        if kind == "session":
            response.set_cookie("session_id", credential, httponly=True, samesite="Lax")
        elif kind == "jwt-cookie":
            response.set_cookie("access_token", credential, httponly=True, samesite="Strict")
            response.set_cookie("csrf_token", csrf, samesite="Strict")
        return response

    @app.get("/profile")
    def profile():
        if kind == "jwt-header":
            sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
        else:
            sent = request.cookies.get("session_id" if kind == "session" else "access_token", "")
        hits.setdefault(kind, []).append(sent == credential)
        return ({"user": "alice"}, 200) if sent == credential else ({"error": "Not logged in"}, 401)

    return app


def random_credentials() -> dict[str, tuple[str, str]]:
    """(credential, csrf token) per approach, of random sizes: a session ID, and tokens of 150 to 600 characters."""
    size = random.Random(secrets.randbits(32)).randint
    return {
        "session": (secrets.token_urlsafe(32), ""),
        "jwt-header": (secrets.token_urlsafe(size(120, 450)), ""),
        "jwt-cookie": (secrets.token_urlsafe(size(120, 450)), secrets.token_urlsafe(32)),
    }


def expected_bytes(kind: str, credential: str, csrf: str) -> int:
    if kind == "jwt-header":
        return line_bytes("Authorization", f"Bearer {credential}")
    if kind == "session":
        return line_bytes("Cookie", f"session_id={credential}")
    return line_bytes("Cookie", f"access_token={credential}; csrf_token={csrf}")


@contextlib.contextmanager
def credential_servers() -> Iterator[tuple[dict[str, str], dict[str, int], dict[str, list[bool]]]]:
    """The three stand-in servers; yields their URLs, the expected credential bytes and their /profile hits."""
    credentials = random_credentials()
    hits: dict[str, list[bool]] = {}
    with contextlib.ExitStack() as stack:
        urls = {kind: stack.enter_context(serving(credential_app(kind, *credentials[kind], hits), f"{LAB}-{kind}")).url
                for kind in APPROACHES}
        yield urls, {kind: expected_bytes(kind, *credentials[kind]) for kind in APPROACHES}, hits


def logged_in(url: str) -> requests.Session:
    client = requests.Session()
    response = client.post(f"{url}/login", json={"username": "alice", "password": DEMO_USERS["alice"]},
                           timeout=REQUEST_TIMEOUT)
    token = response.json().get("token")
    if token:
        client.headers["Authorization"] = f"Bearer {token}"
    return client


class CountingStore(MemoryStore):
    """A MemoryStore that remembers every save, pre-filled with a few sessions of other users."""

    def __init__(self):
        super().__init__()
        self.saves: list[tuple[str, dict, float]] = []
        self.existing = {secrets.token_urlsafe(32): {"user": f"old{n}", "note": "x" * 300} for n in range(3)}
        for key, data in self.existing.items():
            super().save(key, data, ttl=3600)

    def save(self, key: str, data: dict, ttl: float) -> None:
        self.saves.append((key, data, ttl))
        super().save(key, data, ttl)
