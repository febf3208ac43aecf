"""Real-browser fixtures: Debian's Chromium driven by Playwright, and a JupyterLab server of our own.

Chromium is /usr/bin/chromium (CI installs it with apt-get; Playwright's own browser download is not used),
headless, with background networking off: nothing it does leaves this machine.

JupyterLab starts once per test session (per xdist worker) on 127.0.0.1, a free port and a random token, with
fresh config, data, runtime, settings and workspace directories and the repository as its root. Autosave is
off and checkpoints live in the temporary directory, so running a lesson in it never writes to the repository.

A failing test leaves a screenshot (and, for JupyterLab tests, the server's log) in artifacts/browser/; the
failure report and the session summary print where.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests

from authlab.notebooks import CellError

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these Chromium phones home at start, and this machine's closed network refuses it.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SERVER_START_TIMEOUT = 90
NOTEBOOK_TIMEOUT = 120

# User settings of the test JupyterLab: never write a notebook by itself, never ask about news.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class JupyterLabServer:
    """A JupyterLab server process this test session started."""

    url: str
    token: str
    root: Path
    log_path: Path
    process: subprocess.Popen

    @classmethod
    def start(cls, root: Path, workdir: Path) -> JupyterLabServer:
        port, token = _free_port(), secrets.token_hex(24)
        for name, values in LAB_SETTINGS.items():
            path = workdir / "settings" / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(workdir / "config"),  # no user config; extensions stay on (sys.prefix)
            JUPYTER_DATA_DIR=str(workdir / "data"),  # kernelspecs and labextensions come from sys.prefix
            JUPYTER_RUNTIME_DIR=str(workdir / "runtime"),  # kernels find this server here (proxy links)
            IPYTHONDIR=str(workdir / "ipython"),
        )
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--expose-app-in-browser",
            "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={workdir / 'settings'}", f"--LabApp.workspaces_dir={workdir / 'workspaces'}",
            f"--FileContentsManager.checkpoints_kwargs=root_dir={workdir / 'checkpoints'}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        log_path = workdir / "jupyterlab.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        server = cls(f"http://127.0.0.1:{port}", token, root, log_path, process)
        server._wait_until_ready()
        return server

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(f"JupyterLab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/api/status", headers=self.auth_header, timeout=2).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{self.log_tail()}")

    @property
    def auth_header(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM (JupyterLab shuts its kernels down), then kill whatever is left, and reap it."""
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        _, alive = psutil.wait_procs(children, timeout=5)
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=5)


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory) -> Iterator[JupyterLabServer]:
    server = JupyterLabServer.start(ROOT, tmp_path_factory.mktemp("jupyterlab"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module.

    Module scope on purpose: while Playwright's sync API is active its event loop counts as running, which
    would break asyncio code (nbclient) of other tests running later in the same worker.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    sync_api.expect.set_options(timeout=20_000)  # JupyterLab on a busy 2-core machine renders slowly
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def launch_profile(browser):
    """Start the same Chromium on a profile directory of the test's own, which survives closing and relaunching."""

    def launch(profile: Path):
        context = browser.browser_type.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context.set_default_timeout(20_000)
        return context

    return launch


@pytest.fixture
def page(browser):
    """A fresh page in a fresh browser profile: no cookies from other tests."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def https_page(browser):
    """A fresh page that accepts ``authlab.serve(app, https=True)``'s certificates (a CA Chromium does not know)."""
    context = browser.new_context(ignore_https_errors=True)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


# --- JupyterLab, driven through window.jupyterapp ----------------------------------------------------------

_FIND = "Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.id === id)"

_OPEN = """async (path) => {
  const widget = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await widget.context.ready;
  await widget.sessionContext.ready;
  return widget.id;
}"""

_KERNEL_IDLE = f"""(id) => {{
  const widget = {_FIND};
  const kernel = widget && widget.sessionContext.session && widget.sessionContext.session.kernel;
  return Boolean(kernel) && kernel.status === 'idle';
}}"""

# Run All, remembering whether the kernel died meanwhile (it restarts within a second, so polling can miss it).
_RUN_ALL = f"""(id) => {{
  const widget = {_FIND};
  const deaths = window.authlabKernelDeaths = window.authlabKernelDeaths || {{}};
  deaths[id] = null;
  widget.sessionContext.statusChanged.connect((_, status) => {{
    if (['dead', 'restarting', 'autorestarting'].includes(status)) deaths[id] = status;
  }});
  window.jupyterapp.shell.activateById(id);
  return window.jupyterapp.commands.execute('notebook:run-all-cells');
}}"""

# "done" when the kernel is idle and every code cell ran, or (unless every cell must run) one failed: Run All
# stops at the first error of a cell not tagged raises-exception; "kernel <status>" when the kernel died.
_FINISHED = f"""([id, everyCell]) => {{
  const widget = {_FIND};
  if (window.authlabKernelDeaths[id]) return 'kernel ' + window.authlabKernelDeaths[id];
  const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
  const cells = widget.content.widgets.map(cell => cell.model).filter(model => model.type === 'code');
  const failed = cells.some(model => model.sharedModel.getOutputs().some(o => o.output_type === 'error'));
  const ran = cells.every(model => model.executionCount !== null && model.sharedModel.executionState !== 'running');
  return Boolean(kernel) && kernel.status === 'idle' && (ran || (failed && !everyCell)) && 'done';
}}"""

_CELLS = f"""(id) => {{
  const widget = {_FIND};
  return widget.content.widgets.map(cell => cell.model.toJSON());
}}"""

# Close without saving: end the kernel, mark the document clean, dispose of the panel (no dialog).
_DISCARD = f"""async (id) => {{
  const widget = {_FIND};
  if (!widget) return;
  await widget.sessionContext.shutdown();
  widget.context.model.dirty = false;
  widget.dispose();
}}"""


@dataclasses.dataclass
class OpenNotebook:
    """A notebook open in the test JupyterLab; ``run_all()`` is Run → Run All Cells."""

    lab: JupyterLab
    path: str
    widget_id: str

    def run_all(self, timeout: float = NOTEBOOK_TIMEOUT, every_cell: bool = False) -> list[dict]:
        """Run every cell, wait until the kernel is idle again, and return the cells as nbformat dicts.

        ``every_cell``: wait until every code cell ran, failed cells included (Run All must not stop).
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

        page = self.lab.page
        page.evaluate(_RUN_ALL, self.widget_id)
        try:
            state = page.wait_for_function(_FINISHED, arg=[self.widget_id, every_cell], timeout=timeout * 1000,
                                           polling=250).json_value()
        except PlaywrightTimeoutError:
            pending = [index for index, cell in enumerate(self.cells())
                       if cell["cell_type"] == "code" and cell["execution_count"] is None]
            pytest.fail(f"{self.path}: Run All had not finished after {timeout:.0f} s; cells not run yet: {pending}")
        if state != "done":
            pytest.fail(f"{self.path}: the {state} during Run All (did a cell crash the process?)")
        return self.cells()

    def cells(self) -> list[dict]:
        return self.lab.page.evaluate(_CELLS, self.widget_id)

    def errors(self) -> list[CellError]:
        return [
            CellError(index, output.get("ename", ""), output.get("evalue", ""), "".join(cell["source"]))
            for index, cell in enumerate(self.cells())
            for output in cell.get("outputs", [])
            if output["output_type"] == "error"
        ]

    def locator(self, selector: str):
        """Elements of this notebook's panel that match a CSS selector."""
        return self.lab.page.locator(f"#{self.widget_id} {selector}")

    def discard(self) -> None:
        """Close without saving and end the kernel."""
        self.lab.page.evaluate(_DISCARD, self.widget_id)
        if self in self.lab.open_notebooks:
            self.lab.open_notebooks.remove(self)


class JupyterLab:
    """The test JupyterLab in one Chromium page: open notebooks, run them, close them without saving."""

    def __init__(self, page, server: JupyterLabServer):
        self.page = page
        self.server = server
        self.open_notebooks: list[OpenNotebook] = []

    def load(self) -> None:
        self.page.goto(f"{self.server.url}/lab?token={self.server.token}")
        self.page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
        self.page.evaluate("() => window.jupyterapp.restored.then(() => true)")

    def open(self, path: Path | str) -> OpenNotebook:
        """Open a notebook (a path under the repository) and wait until its kernel is idle."""
        relative = Path(path).resolve().relative_to(self.server.root).as_posix()
        widget_id = self.page.evaluate(_OPEN, relative)
        notebook = OpenNotebook(self, relative, widget_id)
        self.open_notebooks.append(notebook)
        self.page.wait_for_function(_KERNEL_IDLE, arg=widget_id, timeout=60_000, polling=250)
        return notebook

    def discard_all(self) -> None:
        for _ in range(3):  # dialogs a failure left open (e.g. "Kernel Restarting") would block the next test
            if not self.page.locator(".jp-Dialog").count():
                break
            self.page.keyboard.press("Escape")
        while self.open_notebooks:
            self.open_notebooks[-1].discard()


@pytest.fixture(scope="module")
def _lab_page(browser, jupyter_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(30_000)
    lab = JupyterLab(context.new_page(), jupyter_server)
    lab.load()
    yield lab
    context.close()


@pytest.fixture
def lab(_lab_page) -> Iterator[JupyterLab]:
    """JupyterLab in the browser; notebooks opened by the test are closed unsaved and their kernels ended."""
    yield _lab_page
    _lab_page.discard_all()


# --- failure artifacts ------------------------------------------------------------------------------------


def _safe_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:150]


def _save_artifacts(item) -> list[Path]:
    """A screenshot of each page the failed test used, and the log of its JupyterLab server."""
    pages, servers = {}, {}
    for value in item.funcargs.values():
        page, server = getattr(value, "page", value), getattr(value, "server", value)
        if hasattr(page, "screenshot") and hasattr(page, "is_closed") and not page.is_closed():
            pages[id(page)] = page
        if isinstance(server, JupyterLabServer):
            servers[id(server)] = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = _safe_name(item.nodeid)
    saved = []
    for number, page in enumerate(pages.values()):
        path = ARTIFACTS / f"{name}{'-' + str(number) if number else ''}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        except Exception as error:  # a crashed browser must not hide the test's own failure
            print(f"browser tests: no screenshot of {item.nodeid}: {error}")
    for server in servers.values():
        path = ARTIFACTS / f"{name}.jupyterlab.log"
        shutil.copyfile(server.log_path, path)
        saved.append(path)
    return saved


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if item.get_closest_marker("browser") is None:
        return
    if report.failed and report.when in ("setup", "call"):
        saved = _save_artifacts(item)
        if saved:
            report.sections.append(("browser artifacts", "\n".join(str(path) for path in saved)))
