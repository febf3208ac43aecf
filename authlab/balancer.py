"""The client side of a cluster: a round-robin ``requests.Session``, who answered, and timing.

    client = RoundRobin(urls)          # each request to the next server in turn, like a load balancer
    served_by(response)                # the PID of the worker that answered
    time_requests(client, "/profile")  # milliseconds per request
"""

from __future__ import annotations

import itertools
import time

import requests

from authlab.launcher import PID_HEADER

__all__ = ["RoundRobin", "served_by", "time_requests"]


class RoundRobin(requests.Session):
    """A requests.Session that sends each request to the next server in turn.

    Paths starting with "/" go to the servers in rotation, as through a load balancer;
    full URLs are left alone. Cookies and headers (``Authorization``) are kept across
    servers, as a browser behind one host name would. Requests time out after
    ``timeout`` seconds unless the call says otherwise.
    """

    def __init__(self, urls: list[str], timeout: float = 10.0):
        super().__init__()
        if not urls:
            raise ValueError("RoundRobin needs at least one server URL")
        self.urls = list(urls)
        self.timeout = timeout
        self._turns = itertools.count()

    def next_url(self) -> str:
        return self.urls[next(self._turns) % len(self.urls)]

    def request(self, method: str, url: str, *args, **kwargs) -> requests.Response:
        if url.startswith("/"):
            url = self.next_url() + url
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def served_by(response: requests.Response) -> int | None:
    """The PID of the worker process that answered ``response``."""
    pid = response.headers.get(PID_HEADER)
    return int(pid) if pid else None


def time_requests(client: requests.Session, path: str = "/profile", count: int = 100,
                  method: str = "GET", expect: int = 200) -> list[float]:
    """Milliseconds each of ``count`` requests took; every answer must have status ``expect``."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.request(method, path)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            raise AssertionError(f"{method} {path} answered {response.status_code}, not {expect}: "
                                 f"{response.text[:120]}")
    return samples
