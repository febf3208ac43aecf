"""Malformed requests for every route: what a fuzzer, a broken client or an attacker sends first.

Each route gets JSON that is an array, a number, a string or null; objects with fields
missing, of the wrong type or nested; invalid JSON; bytes that are not UTF-8; a form
instead of JSON; an oversized body; and broken Cookie, Authorization and Content-Type
headers. None of them may get a 5xx: a crash is a denial of service, and its error
page may tell an attacker more than it should.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests

from authlab.checks._core import Probe, fail

JSON = {"Content-Type": "application/json"}
OVERSIZED = 2**20  # bytes: a megabyte of password

BODIES: dict[str, dict] = {
    "the JSON array []": {"data": "[]", "headers": JSON},
    'the JSON array ["alice", "pw"]': {"data": '["alice", "pw"]', "headers": JSON},
    "the JSON number 42": {"data": "42", "headers": JSON},
    'the JSON string "alice"': {"data": '"alice"', "headers": JSON},
    "JSON null": {"data": "null", "headers": JSON},
    "an empty JSON object": {"data": "{}", "headers": JSON},
    'numbers for the fields {"username": 1, "password": 2, "email": 3}':
        {"data": '{"username": 1, "password": 2, "email": 3}', "headers": JSON},
    'nested fields {"username": ["a"], "password": {"b": 1}, "email": []}':
        {"data": '{"username": ["a"], "password": {"b": 1}, "email": []}', "headers": JSON},
    'null fields {"username": null, "password": null, "email": null}':
        {"data": '{"username": null, "password": null, "email": null}', "headers": JSON},
    "invalid JSON '{\"username\": '": {"data": '{"username": ', "headers": JSON},
    "bytes that are not UTF-8": {"data": b"\xff\xfe{\x00", "headers": JSON},
    "a form (username=alice&password=pw) instead of JSON":
        {"data": "username=alice&password=pw", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
    "an empty body with a JSON Content-Type": {"data": "", "headers": JSON},
    "a JSON Content-Type with an unknown charset":
        {"data": '{"username": "a", "password": "b"}', "headers": {"Content-Type": "application/json; charset=x-nope"}},
    f"an oversized body ({OVERSIZED // 1024} KiB of password)":
        {"data": '{"username": "alice", "password": "' + "x" * OVERSIZED + '", "email": "a@b.c"}', "headers": JSON},
}

HEADERS: dict[str, dict[str, str]] = {
    "a broken Cookie header": {"Cookie": 'a="unterminated; =; ;;; \\"'},
    "a Cookie header of 200 empty cookies": {"Cookie": "; ".join(f"c{n}=" for n in range(200))},
    "an Authorization header without a scheme": {"Authorization": "garbage"},
    "'Authorization: Bearer' with spaces and dots": {"Authorization": "Bearer  . . "},
    "an Authorization header with non-ASCII bytes": {"Authorization": "Bearer \xe9\xff.\xe9.\xe9"},
    "an Authorization header of 8 KiB": {"Authorization": "Bearer " + "A" * 8192},
}


Route = tuple[str, str, dict]  # method, path, what a logged-in page would send besides (cookies, headers)
HINT = ("refuse input you cannot use with 400 or 401: check that the JSON is an object and each field a str, "
        "e.g. data = request.get_json(silent=True); if not isinstance(data, dict): return {...}, 400")


def _each(probe: Probe, routes: list[Route]) -> Iterator[tuple[str, requests.Response | AssertionError]]:
    """(what was sent, the response or the failure of the request) for every malformed request to every route."""
    headers_only = {label: {"headers": headers} for label, headers in HEADERS.items()}
    for method, path, sent in routes:
        batch = {**BODIES, **headers_only} if method == "POST" else headers_only
        for label, malformed in batch.items():
            kwargs = {**sent, **malformed, "headers": {**sent.get("headers", {}), **malformed.get("headers", {})}}
            what = f"{method} {path} with {label}" + (" (logged in)" if sent else "")
            try:
                yield what, probe.request(method, path, **kwargs)
            except AssertionError as error:  # a crash the probe noticed, or no answer
                yield what, error


def never_crash(probe: Probe, routes: list[Route]) -> list[requests.Response]:
    """Send every malformed request to every route; fail at the first 5xx, naming what was sent."""
    responses = []
    for what, answer in _each(probe, routes):
        if isinstance(answer, AssertionError):
            fail(f"{what}: {str(answer).split('; ')[0]}", HINT)
        if answer.status_code >= 500:
            fail(f"{what} got {answer.status_code}", HINT)
        responses.append(answer)
    return responses


def answers(probe: Probe, routes: list[Route]) -> list[tuple[str, requests.Response]]:
    """(what was sent, response) for every malformed request that got an answer, crashes left out."""
    return [(what, answer) for what, answer in _each(probe, routes) if not isinstance(answer, AssertionError)]
