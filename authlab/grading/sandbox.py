"""One bubblewrap sandbox per submission: the student's cells run in it, the checker stays outside.

The sandbox has its own user, PID, network (loopback only), IPC and UTS namespaces, sees
the system and the Python environment read-only, with the installed ``authlab`` package
replaced by a stripped copy (the runtime the lab may use, never the checks, the reference
apps or the grading code), writes only to small tmpfs folders, has a fresh HOME and
IPYTHONDIR, and runs under hard limits on CPU time, memory, processes and file size. Its
one opening is a folder holding the checker's two sockets (the channel and the tunnel hub)
and the cells to run, mounted read-only. Ending it kills its PID namespace: no process
of the submission survives the grading of it.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import json
import os
import select
import selectors
import shutil
import signal
import site
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import authlab
from authlab.checks.channel import Channel
from authlab.checks.remote import Session
from authlab.checks.tunnel import Hub
from authlab.grading.pids import Cgroup

INSIDE = "/run/authlab"  # the checker's folder, as the sandbox sees it
RUNTIME = "/opt/authlab-runtime"
PACKAGE = Path(authlab.__file__).resolve().parent
# What a lab's own cells may import from authlab; lab4 measures the course's reference apps, lab5 tries its relying
# party against the course's provider (never the course's relying party, vulnerable parties or the checks' provider).
RUNTIME_ROOTS = ("authlab", "authlab.server", "authlab.stores", "authlab.checks.harness")  # + what they import
LAB_RUNTIME_ROOTS = {"lab4": ("authlab.apps",), "lab5": ("authlab.oidc.provider",)}
NEVER_INSIDE = ("authlab.grading", "authlab.compare", "authlab.jwks", "authlab.checks.remote", "authlab.checks._core",
                "authlab.checks._op", "authlab.oidc.relying_party", "authlab.oidc.vulnerable", "authlab.oidc.attacker",
                "authlab.oidc.id_tokens")
MEMORY = 3 * 1024**3
PROCESSES = 128
FILE_SIZE = 64 * 1024**2
TMPFS_SIZE = 128 * 1024**2
INTERRUPT_GRACE = 10  # seconds a cell gets after its interrupt before the sandbox is stopped


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


@functools.cache
def unavailable() -> str | None:
    """Why no sandbox can be had here, or None when it can."""
    if not sys.platform.startswith("linux"):
        return f"no sandbox on {sys.platform} (bubblewrap needs Linux)"
    if shutil.which("bwrap") is None:
        return "bubblewrap is not installed (Debian/Ubuntu: apt install bubblewrap)"
    probe = subprocess.run(["bwrap", "--unshare-user", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/",
                            "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bubblewrap cannot create namespaces here ({(probe.stderr.strip() or 'no message')[:150]})"
    return None


def _module_file(name: str) -> Path | None:
    relative = Path(*name.split(".")[1:])
    if not relative.parts:
        return PACKAGE / "__init__.py"
    for candidate in (PACKAGE / relative / "__init__.py", PACKAGE / relative.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, name: str) -> set[str]:
    """The ``authlab.*`` modules a module imports (absolute imports; the runtime uses no relative ones)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {module for module in found if module.split(".")[0] == "authlab" and _module_file(module)}


def build_runtime(folder: Path, lab_id: str) -> Path:
    """A stripped copy of authlab in ``folder``: the runtime roots and what they import, nothing else."""
    wanted = [*RUNTIME_ROOTS, *LAB_RUNTIME_ROOTS.get(lab_id, ())]
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in seen or any(name == bad or name.startswith(bad + ".") for bad in NEVER_INSIDE):
            continue
        seen.add(name)
        path = _module_file(name)
        parts = name.split(".")
        wanted += [".".join(parts[:i]) for i in range(1, len(parts))]  # the packages above it
        wanted += sorted(_imports(path, name))
    for name in seen:
        path = _module_file(name)
        target = folder / "authlab" / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return folder


def _system_binds() -> list[str]:
    args = []
    for path in ("/usr", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
                 "/etc/alternatives", "/etc/ssl"):
        args += ["--ro-bind-try", path, path]
    for path in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    prefixes = {sys.base_prefix, sys.prefix, sys.exec_prefix, str(Path(sys.executable).resolve().parents[1])}
    bound = sorted(prefix for prefix in prefixes if not prefix.startswith("/usr/"))
    packages = {*site.getsitepackages(), sysconfig.get_paths()["purelib"],
                *(entry for entry in sys.path if entry.endswith(("site-packages", "dist-packages")))}
    for folder in sorted(packages):  # site-packages reached through a .pth file, outside the prefixes
        if os.path.isdir(folder) and not folder.startswith(("/usr/", *(prefix + "/" for prefix in bound))):
            bound.append(folder)
    for folder in bound:
        args += ["--ro-bind", folder, folder]
    for folder in sorted(packages):
        if (Path(folder) / "authlab").is_dir():  # a regular install: hide it, the runtime replaces it
            args += ["--tmpfs", str(Path(folder) / "authlab")]
    return args


def command(runtime: Path, outside: Path, cell_timeout: int, cpu_seconds: int, info_fd: int,
            progress_fd: int) -> list[str]:
    """The bwrap command line that runs the harness on the cells in ``outside``."""
    home, work = "/tmp/home", "/tmp/work"
    environment = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": home,
                   "IPYTHONDIR": f"{home}/.ipython", "PYTHONPATH": RUNTIME, "PYTHONDONTWRITEBYTECODE": "1",
                   "PYTHONNOUSERSITE": "1", "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "NBGRADER_EXECUTION": "autograde"}
    args = ["bwrap", "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--uid", "1000", "--gid", "1000", "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--info-fd", str(info_fd), "--clearenv"]
    for key, value in environment.items():
        args += ["--setenv", key, value]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMPFS_SIZE), "--tmpfs", "/tmp",
             "--dir", home, "--dir", work, "--size", str(TMPFS_SIZE // 4), "--tmpfs", "/dev/shm"]
    args += _system_binds()  # after /tmp: an environment may live under it
    args += [
             "--ro-bind", str(runtime), RUNTIME, "--ro-bind", str(outside), INSIDE, "--chdir", work]
    limits = f"{cpu_seconds},{MEMORY},{PROCESSES},{FILE_SIZE}"
    args += [sys.executable, "-I", "-c", _BOOT, "--cells", f"{INSIDE}/cells.json", "--channel",
             f"{INSIDE}/channel.sock", "--hub", f"{INSIDE}/tunnel.sock", "--cell-timeout", str(cell_timeout),
             "--limits", limits, "--progress-fd", str(progress_fd)]
    return args


# -I ignores PYTHONPATH; the runtime goes first on sys.path by hand, ahead of any installed authlab.
_BOOT = (f"import sys; sys.path.insert(0, {RUNTIME!r}); sys.argv[0] = 'harness'; "
         "from authlab.checks.harness import main; sys.exit(main(sys.argv[1:]))")


class Sandbox:
    """A running sandbox: its process, and the checker's session with the harness once it connected."""

    def __init__(self, process: subprocess.Popen, init_pid: int | None, folder: Path, hub: Hub,
                 cgroup: Cgroup | None = None):
        self.process, self.init_pid, self.folder, self.hub, self.cgroup = process, init_pid, folder, hub, cgroup
        self.session: Session | None = None
        self.refused_forks = 0  # forks the pids cgroup refused, read when the sandbox ends
        self.stderr_tail = b""
        self.problem = ""  # why the sandbox was stopped before its harness connected

    def last_words(self) -> str:
        """The last line the sandbox wrote to stderr, if any, to say why it ended."""
        lines = self.stderr_tail.decode("utf-8", "replace").strip().splitlines()
        return f"; its last words: {lines[-1][:200]}" if lines else ""

    def end(self) -> None:
        """Kill every process of the sandbox and wait until they are gone."""
        if self.session is not None:
            self.session.finish()
            self.session.channel.close()
        if self.init_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.init_pid, signal.SIGKILL)  # PID 1 of the namespace: the kernel kills all the rest
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()
        if self.init_pid is not None:
            _wait_gone(self.init_pid)
        self.hub.close()
        if self.cgroup is not None:
            self.refused_forks = self.cgroup.refused()
            self.cgroup.remove()

    def limit_note(self) -> str | None:
        """A problem to report when the process limit was hit."""
        if not self.refused_forks:
            return None
        return (f"the notebook hit the sandbox's limit of {self.cgroup.limit} processes "
                f"({self.refused_forks} forks or threads refused)")


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.01)


def _drain(stream, sandbox: Sandbox) -> None:
    """Read the sandbox's stderr, keeping only its end (a flood must not fill the grader's memory)."""
    while chunk := stream.read(65536):
        sandbox.stderr_tail = (sandbox.stderr_tail + chunk)[-4000:]


@contextlib.contextmanager
def sandboxed(cells: list[str], runtime: Path, cell_timeout: int, notebook_timeout: int) -> Iterator[Sandbox]:
    """Run ``cells`` in a new sandbox; yield it with ``.session`` set once the harness connected (else None)."""
    with tempfile.TemporaryDirectory(prefix="authlab-sandbox-") as folder:
        outside = Path(folder)
        outside.chmod(0o755)
        (outside / "cells.json").write_text(json.dumps(cells), encoding="utf-8")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(outside / "channel.sock"))
        os.chmod(outside / "channel.sock", 0o666)
        listener.listen(1)
        hub = Hub(str(outside / "tunnel.sock"))
        info_r, info_w = os.pipe()
        progress_r, progress_w = os.pipe()
        cgroup = Cgroup.create(PROCESSES)
        args = command(runtime, outside, cell_timeout, notebook_timeout + 30, info_w, progress_w)
        if cgroup is not None:  # join the cgroup before bwrap starts, so every process of the sandbox is born in it
            args = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(cgroup.procs), *args]
        try:
            process = subprocess.Popen(args, pass_fds=(info_w, progress_w), stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except BaseException:
            if cgroup is not None:
                cgroup.remove()
            raise
        finally:
            os.close(info_w)
            os.close(progress_w)
        sandbox = Sandbox(process, _init_pid(info_r), outside, hub, cgroup)
        os.close(info_r)
        threading.Thread(target=_drain, args=(process.stderr, sandbox), daemon=True).start()
        try:
            connection = _accept(listener, sandbox, progress_r, cell_timeout, notebook_timeout)
            listener.close()
            if connection is not None:
                sandbox.session = Session(Channel(connection, "checker", guarded=True), hub)
            yield sandbox
        finally:
            listener.close()
            os.close(progress_r)
            sandbox.end()


def _init_pid(info_r: int) -> int | None:
    """The PID of the sandbox's first process, from bwrap's --info-fd JSON."""
    ready, _, _ = select.select([info_r], [], [], 30)
    if not ready:
        return None
    data = b""
    while chunk := os.read(info_r, 4096):
        data += chunk
        with contextlib.suppress(ValueError):
            return int(json.loads(data)["child-pid"])
    return None


def _accept(listener: socket.socket, sandbox: Sandbox, progress: int, cell_timeout: int,
            notebook_timeout: int) -> socket.socket | None:
    """Wait for the harness to connect (after the cells ran); None if the sandbox ended or had to be stopped."""
    listener.setblocking(False)
    started = last = time.monotonic()
    cell, pending = "?", b""
    with selectors.DefaultSelector() as selector:
        selector.register(listener, selectors.EVENT_READ)
        selector.register(progress, selectors.EVENT_READ)
        while sandbox.process.poll() is None:
            now = time.monotonic()
            if now - started > notebook_timeout:
                sandbox.problem = f"the notebook ran longer than {notebook_timeout} s and was stopped"
                return None
            if now - last > cell_timeout + INTERRUPT_GRACE:
                sandbox.problem = (f"code cell {cell} ran longer than {cell_timeout} s and ignored the interrupt; "
                                   "the sandbox was stopped and the cells after it were not run")
                return None
            for key, _ in selector.select(0.5):
                if key.fileobj is listener:
                    connection, _ = listener.accept()
                    connection.setblocking(True)
                    return connection
                chunk = os.read(progress, 4096)
                if not chunk:
                    selector.unregister(progress)
                    continue
                pending = (pending + chunk)[-100:]
                cell, last = (pending.strip().splitlines() or [b"?"])[-1].decode("ascii", "replace"), now
    return None
