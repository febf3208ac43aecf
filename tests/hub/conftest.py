"""A real JupyterHub on loopback with one system user per student, for the classroom tests.

Needs root (to create users and spawn their servers), Debian's python3 (the students'
servers cannot use an interpreter under /root), and configurable-http-proxy from npm;
.ci/run installs what is missing. The hub runs the course from a virtualenv built with
the package as it is in this checkout, cached by the hash of its sources.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from hubenv import INSTRUCTOR, ROOT, STUDENTS, SYSTEM_PYTHON, VENV_CACHE


def _missing() -> str | None:
    if sys.platform != "linux" or os.geteuid() != 0:
        return "needs Linux and root: the test creates one system user per student"
    for tool in ("useradd", "userdel", "configurable-http-proxy"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (.ci/run installs it: npm install -g configurable-http-proxy)"
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} is missing"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sources_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted([ROOT / "pyproject.toml", *ROOT.glob("authlab/**/*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def hub_venv() -> Path:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    venv = VENV_CACHE / f"venv-{_sources_hash()}"
    VENV_CACHE.mkdir(parents=True, exist_ok=True)
    with open(VENV_CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time, even across test processes
        _build_venv(venv)
    subprocess.run(["chmod", "-R", "a+rX", str(VENV_CACHE)], check=True)
    return venv


def _build_venv(venv: Path) -> None:
    for stale in VENV_CACHE.glob("venv-*"):
        if stale != venv:
            shutil.rmtree(stale, ignore_errors=True)
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(venv)], check=True)
        build = tempfile.mkdtemp(prefix="authlab-build-")  # a copy without .venv, tests, git
        shutil.copytree(ROOT, build, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".venv", ".git", "artifacts", "__pycache__", "*.egg-info"))
        installed = subprocess.run([str(venv / "bin/pip"), "install", "--quiet", f"{build}[instructor]",
                                    "jupyterhub>=5"], capture_output=True, text=True)
        assert installed.returncode == 0, f"building the hub's virtualenv failed:\n{installed.stderr[-3000:]}"
        shutil.rmtree(build)
        (venv / ".complete").touch()


def _create_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        return pwd.getpwnam(name)


def _remove_user(name: str) -> None:
    subprocess.run(["pkill", "-KILL", "-u", name], check=False)
    time.sleep(0.2)
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


class Hub:
    def __init__(self, url: str, token: str, venv: Path, workdir: Path, exchange: Path, config_dir: Path):
        self.url = url
        self.venv = venv
        self.workdir = workdir
        self.exchange = exchange
        self.config_dir = config_dir
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {token}"

    def user_url(self, user: str) -> str:
        return f"{self.url}/user/{user}"

    def start_server(self, user: str, timeout: float = 120) -> float:
        """Spawn ``user``'s server and wait until it is ready; the seconds it took."""
        started = time.perf_counter()
        response = self.api.post(f"{self.url}/hub/api/users/{user}/server", timeout=30)
        assert response.status_code in (201, 202, 400), response.text  # 400: already running
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.api.get(f"{self.url}/hub/api/users/{user}", timeout=30).json()
            if model.get("servers", {}).get("", {}).get("ready"):
                return time.perf_counter() - started
            time.sleep(0.2)
        raise TimeoutError(f"{user}'s server was not ready after {timeout} s")

    def token_for(self, user: str) -> str:
        response = self.api.post(f"{self.url}/hub/api/users/{user}/tokens", json={"note": "authlab test"},
                                 timeout=30)
        response.raise_for_status()
        return response.json()["token"]

    def give(self, user: str, source: Path, relative: str) -> Path:
        """Copy a file or folder into ``user``'s home, owned by them."""
        account = pwd.getpwnam(user)
        target = Path(account.pw_dir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy(source, target)
        subprocess.run(["chown", "-R", f"{account.pw_uid}:{account.pw_gid}", str(Path(account.pw_dir))], check=True)
        return target


@pytest.fixture(scope="session")
def hub(hub_venv: Path):
    workdir = Path(tempfile.mkdtemp(prefix="authlab-hub-", dir="/var/tmp"))
    workdir.chmod(0o755)
    exchange = workdir / "exchange"
    exchange.mkdir()
    exchange.chmod(0o1777)
    config_dir = workdir / "jupyter-config"
    config_dir.mkdir()
    (config_dir / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\nc.CourseDirectory.course_id = 'authlab'\n"
    )
    config_dir.chmod(0o755)
    (config_dir / "nbgrader_config.py").chmod(0o644)
    for user in [*STUDENTS, INSTRUCTOR]:
        _create_user(user)
    port, token = _free_port(), secrets.token_hex(32)
    (workdir / "jupyterhub_config.py").write_text(f"""
c = get_config()
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {_free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{_free_port()}"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {secrets.token_urlsafe(16)!r}
c.Authenticator.allowed_users = {set(STUDENTS) | {INSTRUCTOR}!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(hub_venv / "bin/jupyterhub-singleuser")!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": {str(config_dir)!r},
                          "PATH": {str(hub_venv / "bin") + ":/usr/local/bin:/usr/bin:/bin"!r}}}
c.JupyterHub.db_url = "sqlite:///{workdir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{workdir}/cookie_secret"
c.JupyterHub.services = [{{"name": "authlab-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "authlab-test", "services": ["authlab-test"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}}]
""")
    log = open(workdir / "hub.log", "wb")
    process = subprocess.Popen([str(hub_venv / "bin/jupyterhub"), "-f", str(workdir / "jupyterhub_config.py")],
                               cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "PATH": f"{hub_venv / 'bin'}:{os.environ['PATH']}"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/hub/api/", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterHub did not start:\n" + (workdir / "hub.log").read_text()[-3000:])
            time.sleep(0.2)
        yield Hub(url, token, hub_venv, workdir, exchange, config_dir)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        for user in [*STUDENTS, INSTRUCTOR]:
            _remove_user(user)
        shutil.rmtree(workdir, ignore_errors=True)
