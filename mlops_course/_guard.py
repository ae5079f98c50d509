"""Guard process for a background service (see services.py).

Usage: python -m mlops_course._guard PARENT_PID -- COMMAND...

Runs COMMAND as its child, inside the process group the guard leads. When the
parent (the notebook kernel) disappears, or the guard gets SIGTERM, it stops
every descendant: SIGTERM, then SIGKILL after a grace period. A descendant in
its own session (BentoML's worker) is outside the group, so the guard also
signals each descendant by pid; it is a child subreaper (Linux), so a worker
whose parent died is re-parented to the guard and still found.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

import psutil

_PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 10.0


def become_subreaper(on: bool = True) -> None:
    """Orphaned descendants are re-parented to this process (Linux), so they stay in its tree to be found and reaped."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)


def _descendants() -> list[psutil.Process]:
    try:
        return psutil.Process().children(recursive=True)
    except psutil.Error:
        return []


def _signal(procs: list[psutil.Process], sig: int) -> None:
    """Each descendant by pid first, then the group: a SIGKILL to the group takes the guard too."""
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.send_signal(sig)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(os.getpgrp(), sig)


def _stop_all() -> None:
    """SIGTERM every descendant, wait, SIGKILL what is left (the guard itself exits afterwards)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the guard leads the group: survive our own TERM
    procs = _descendants()
    _signal(procs, signal.SIGTERM)
    _, alive = psutil.wait_procs(procs, timeout=GRACE_SECONDS)
    _signal(alive + _descendants(), signal.SIGKILL)
    psutil.wait_procs(alive, timeout=GRACE_SECONDS)


def _parent_alive(pid: int) -> bool:
    if os.getppid() != pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap_orphans(child_pid: int) -> None:
    """As a subreaper the guard inherits orphans; collect the ones that exited (not the main child)."""
    for p in _descendants():
        try:
            ours = p.pid != child_pid and p.ppid() == os.getpid()
        except psutil.Error:  # it exited between the listing and this question: nothing to collect
            continue
        if ours:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(p.pid, os.WNOHANG)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m mlops_course._guard PARENT_PID -- COMMAND...", file=sys.stderr)
        return 2
    parent = int(argv[0])
    become_subreaper()
    child = subprocess.Popen(argv[2:])
    stopping = False

    def on_term(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    while True:
        code = child.poll()
        if code is not None and not _descendants():
            return code
        if stopping or code is not None or not _parent_alive(parent):
            _stop_all()
            return code or 0
        _reap_orphans(child.pid)
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
