"""Run code in a kernel of a user's Jupyter server through JupyterHub's proxy, as the browser would.

REST to create and delete the kernel, the kernel websocket for execute requests.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid

import requests
import websocket


@dataclasses.dataclass
class Execution:
    stdout: str
    error: str | None  # "Name: value" of the exception the cell raised


class RemoteKernel:
    def __init__(self, base_url: str, token: str, cwd: str = ""):
        """``base_url`` is the user's server through the hub, e.g. http://127.0.0.1:8000/user/alice"""
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {token}"
        created = self.http.post(f"{self.base_url}/api/kernels", json={"name": "python3", "path": cwd}, timeout=60)
        created.raise_for_status()
        self.kernel_id = created.json()["id"]
        ws_url = self.base_url.replace("http://", "ws://", 1) + f"/api/kernels/{self.kernel_id}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {token}"], timeout=120)
        self.session = uuid.uuid4().hex

    def execute(self, code: str, timeout: float = 120) -> Execution:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": self.session, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        stdout, error, replied, idle = [], None, False, False
        deadline = time.monotonic() + timeout
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply within {timeout} s to: {code[:80]!r}")
            message = json.loads(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = message["header"]["msg_type"]
            if kind == "stream":
                stdout.append(message["content"]["text"])
            elif kind == "error":
                error = f"{message['content']['ename']}: {message['content']['evalue']}"
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
        return Execution("".join(stdout), error)

    def run_notebook(self, cells: list[str]) -> list[str]:
        """Execute code cells in order; the errors, as 'cell N: Name: value'."""
        errors = []
        for index, source in enumerate(cells):
            result = self.execute(source)
            if result.error:
                errors.append(f"cell {index}: {result.error}")
        return errors

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.http.delete(f"{self.base_url}/api/kernels/{self.kernel_id}", timeout=30)
