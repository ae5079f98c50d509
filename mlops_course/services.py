"""Background servers (MLflow UI, BentoML, ...) that never outlive the notebook.

Every lab that runs a server does it the same way: a free port on 127.0.0.1,
wait until it answers HTTP, stop it with its whole process tree. A small guard
process sits between the notebook and the server: it owns the server's process
group and kills it when the notebook's kernel dies, even by SIGKILL, when atexit
cannot run. So a crashed kernel leaves no orphan holding a port.
"""

from __future__ import annotations

import atexit
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import workspace
from .errors import CourseError

HOST = "127.0.0.1"


class ServiceError(CourseError, RuntimeError):
    """A background service did not start or answer."""


#: The line a launch writes into the service's log before the server's own output.
START_MARK = "---- mlops_course started"


def free_port(host: str = HOST) -> int:
    """A TCP port that is free on host right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(port: int, host: str = HOST) -> bool:
    """Could a new server listen on this port now? (SO_REUSEADDR, as servers bind, so TIME_WAIT is ignored.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, http.client.HTTPException):
        return None  # nothing there, or something that does not speak HTTP (another process took the port)


_RUNNING: list[Service] = []


class _ExitedEarly(Exception):
    """The server exited before it answered; port_taken says whether another process holds its port."""

    def __init__(self, message: str, port_taken: bool) -> None:
        super().__init__(message)
        self.port_taken = port_taken


class Service:
    """A command run in the background on a free 127.0.0.1 port.

    `command` may contain `{port}` and `{host}`, filled in at start. It is ready when `answers()`: by default when
    `ready_path` answers HTTP with a `ready_status`. Use as a
    context manager, or call start() and stop(); stop() is also registered with
    atexit and the guard kills the process group if this process dies.
    """

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        port: int | None = None,
        ready_path: str = "/",
        ready_status: Sequence[int] = (200,),
        timeout: float = 60.0,
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.name = name
        self._command = list(command)
        self.port = port
        self.ready_path = ready_path
        self.ready_status = tuple(ready_status)
        self.timeout = timeout
        self.env = env or {}
        self.cwd = str(cwd) if cwd else None
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workspace.logs_dir() / f"{name}.log"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def command(self) -> list[str]:
        return [part.format(port=self.port, host=HOST) for part in self._command]

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> Service:
        """Start and wait until ready. A port the course picked is picked again if another process took it
        between the pick and the server's bind (kernels bind random ports too): up to three tries."""
        if self.running:
            return self
        if self.port is not None and not port_is_free(self.port):
            raise ServiceError(
                f"Port {self.port} is already in use; stop whatever holds it or let the course pick a free port (port=None)."
            )
        tries = 3 if self.port is None else 1
        for attempt in range(1, tries + 1):
            if tries > 1:
                self.port = free_port()
            self._launch()
            try:
                self._wait_ready()
                return self
            except _ExitedEarly as early:
                if attempt == tries or not early.port_taken:
                    raise ServiceError(str(early)) from None
        return self  # not reached

    def _launch(self) -> None:
        env = {**os.environ, **workspace.environment(), **self.env}
        guard = [sys.executable, "-m", "mlops_course._guard", str(os.getpid()), "--", *self.command]
        log = open(self.log_path, "ab")  # kept open by the child; earlier runs stay above the marker
        log.write(f"{START_MARK} {time.strftime('%Y-%m-%d %H:%M:%S')}: {' '.join(self.command)}\n".encode())
        log.flush()
        try:
            self.proc = subprocess.Popen(
                guard, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, cwd=self.cwd, start_new_session=True,
            )
        finally:
            log.close()
        _RUNNING.append(self)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if not self.running:
                tail = self.log_tail()
                taken = not port_is_free(self.port)
                self.stop()
                raise _ExitedEarly(f"{self.name} exited before it answered; its log ends with: {tail}", taken)
            if self.answers() and self._owns_port():
                return
            time.sleep(0.25)
        self.stop()
        raise ServiceError(
            f"{self.name} did not answer {self.ready_target} within {self.timeout:.0f} s; see {self.log_path} (a slow first start can need a larger timeout)."
        )

    @property
    def ready_target(self) -> str:
        """What `answers()` asks (named when a start times out)."""
        return self.url + self.ready_path

    def answers(self) -> bool:
        """Is it ready? `ready_path` answers HTTP with a `ready_status` (a server of another protocol overrides this
        and `ready_target`)."""
        return http_status(self.ready_target, timeout=1.0) in self.ready_status

    def _owns_port(self) -> bool:
        """Is the process listening on our port one of ours (not a stranger that answered first)?"""
        import psutil

        for pid in self.pids():
            try:
                conns = psutil.Process(pid).net_connections(kind="tcp")
            except psutil.Error:
                continue
            if any(c.status == psutil.CONN_LISTEN and c.laddr.port == self.port for c in conns):
                return True
        return False

    def log_tail(self, lines: int = 5) -> str:
        """The last lines this run wrote (the log keeps earlier runs above a start marker)."""
        try:
            text = self.log_path.read_text(errors="replace").rpartition(START_MARK)[2].strip().splitlines()[1:]
        except OSError:
            return "(no log)"
        return " | ".join(text[-lines:]) or "(empty log)"

    def pids(self) -> list[int]:
        """The guard and every process below it."""
        import psutil

        if self.proc is None:
            return []
        try:
            root = psutil.Process(self.proc.pid)
            return [root.pid, *(c.pid for c in root.children(recursive=True))]
        except psutil.NoSuchProcess:
            return []

    def _processes(self) -> list[Any]:
        """The guard and its descendants, wherever their session or group (BentoML's worker has its own)."""
        import psutil

        procs = []
        for pid in self.pids():
            try:
                procs.append(psutil.Process(pid))
            except psutil.NoSuchProcess:
                pass
        return procs

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server and all its descendants; safe to call twice.

        SIGTERM first (to the guard's group and to every descendant by pid, since a
        worker in its own session is outside the group), SIGKILL what is left after
        the grace period, then wait until the port is free.
        """
        import psutil

        if self.proc is None:
            return
        procs = self._processes()
        _signal_all(self.proc.pid, procs, signal.SIGTERM)
        _, alive = psutil.wait_procs(procs, timeout=grace)
        _signal_all(self.proc.pid, alive, signal.SIGKILL)
        psutil.wait_procs(alive, timeout=grace)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        if self in _RUNNING:
            _RUNNING.remove(self)
        self.proc = None
        _wait_port_free(self.port, timeout=grace)

    def __enter__(self) -> Service:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"running at {self.url}" if self.running else "stopped"
        return f"<Service {self.name}: {state}>"


def _signal_all(group: int, procs: list[Any], sig: int) -> None:
    try:
        os.killpg(group, sig)
    except (ProcessLookupError, PermissionError):
        pass
    for p in procs:
        try:
            p.send_signal(sig)
        except Exception:  # gone already, or not ours any more
            pass


def _wait_port_free(port: int | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while port is not None and not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)


def stop_all() -> None:
    for service in list(_RUNNING):
        service.stop()


atexit.register(stop_all)
