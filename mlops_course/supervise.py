"""Run a command under a time limit and a memory limit, and leave no process of it behind.

Learners' notebooks are untrusted code: one may loop forever, fill the memory or
start a server and never stop it. The supervisor watches each task's whole process
tree (psutil): it sums the tree's resident memory (RLIMIT_AS is no use, numpy and
pyarrow reserve far more address space than they touch) and kills the tree at the
limit, or when the time since the task said "started" passes the time limit.

Killing a tree: every process in it is frozen first (SIGSTOP), again until no new
one appears, so nothing forks or escapes while we look, then all get SIGKILL. The
task's own process is a child subreaper (see _check_one), so a server started in a
session of its own is still in the tree. This process is a subreaper while tasks run
and reaps what their processes leave: on machines whose init never reaps (some
containers) a killed tree would otherwise stay as zombies.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from ._guard import become_subreaper

POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Limits:
    timeout: float  # seconds, from the moment the task touches its `started` file
    memory_bytes: int  # resident memory summed over the task's process tree
    setup_timeout: float  # seconds before `started` (catch-up), after which the task is stopped too


@dataclass
class Ended:
    """How a task ended: `stopped_by` is None, "time", "memory" or "setup time"; `seconds` counts from `started`."""

    stopped_by: str | None
    seconds: float | None
    returncode: int | None


def tree(pid: int) -> list[psutil.Process]:
    """The process and all its descendants (empty when it is gone)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def resident_bytes(procs: list[psutil.Process]) -> int:
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def kill_tree(pid: int) -> None:
    """Freeze the whole tree until it stops growing, then SIGKILL every process of it and wait for them."""
    frozen: dict[int, psutil.Process] = {}
    while True:
        new = [p for p in tree(pid) if p.pid not in frozen]
        if not new:
            break
        for p in new:
            with contextlib.suppress(psutil.Error):
                p.suspend()
            frozen[p.pid] = p
    for p in frozen.values():
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(list(frozen.values()), timeout=10)


class Supervisor:
    """Runs tasks (from several threads at once) under Limits; use as a context manager."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._roots: set[int] = set()
        self._closed = threading.Event()
        self._reaper = threading.Thread(target=self._reap_loop, daemon=True)

    def __enter__(self) -> Supervisor:
        become_subreaper()
        self._reaper.start()
        return self

    def interrupt(self) -> None:
        """Stop every running task now (their trees are killed); tasks started afterwards end at once."""
        self._closed.set()

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        with self._lock:
            roots = list(self._roots)
        for pid in roots:  # interrupted: nothing of a task may outlive the report
            kill_tree(pid)
        self._reaper.join(timeout=5)
        self._reap()
        become_subreaper(False)

    def _reap(self) -> None:
        """Collect orphans re-parented to this process that have exited (never a task's own process)."""
        with self._lock:
            for p in psutil.Process().children():
                with contextlib.suppress(psutil.Error, ChildProcessError, OSError):
                    if p.pid not in self._roots and p.status() == psutil.STATUS_ZOMBIE:
                        os.waitpid(p.pid, os.WNOHANG)

    def _reap_loop(self) -> None:
        while not self._closed.wait(0.5):
            self._reap()

    def run(self, argv: list[str], env: dict[str, str], started: Path, limits: Limits, log: Path) -> Ended:
        """Run argv to its end or to a limit; the task's whole tree is gone when this returns."""
        with self._lock, open(log, "ab") as out:
            proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
            self._roots.add(proc.pid)
        try:
            return self._watch(proc, started, limits)
        finally:
            kill_tree(proc.pid)
            proc.wait()
            with self._lock:
                self._roots.discard(proc.pid)

    def _watch(self, proc: subprocess.Popen[bytes], started: Path, limits: Limits) -> Ended:
        launched, began = time.monotonic(), None
        while proc.poll() is None:
            now = time.monotonic()
            if began is None and started.exists():
                began = now
            stop = self._limit_hit(proc.pid, limits, now - launched, None if began is None else now - began)
            if stop or self._closed.is_set():
                return Ended(stop or "interrupted", None if began is None else now - began, None)
            time.sleep(POLL_SECONDS)
        if began is None and started.exists():
            began = time.monotonic()
        return Ended(None, None if began is None else time.monotonic() - began, proc.returncode)

    @staticmethod
    def _limit_hit(pid: int, limits: Limits, since_launch: float, since_start: float | None) -> str | None:
        if resident_bytes(tree(pid)) > limits.memory_bytes:
            return "memory"
        if since_start is not None and since_start > limits.timeout:
            return "time"
        if since_start is None and since_launch > limits.setup_timeout:
            return "setup time"
        return None
