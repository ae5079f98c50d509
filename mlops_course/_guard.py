"""Guard process for a background service (see services.py).

Usage: python -m mlops_course._guard PARENT_PID -- COMMAND...

Runs COMMAND as its child, inside the process group the guard leads. When the
parent (the notebook kernel) disappears, or the guard gets SIGTERM, it kills
the whole group, so no server outlives the notebook that started it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the guard leads the group: survive our own TERM
    try:
        os.killpg(os.getpgrp(), signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 10
    while child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        os.killpg(os.getpgrp(), signal.SIGKILL)  # takes the guard too: nothing left behind
    except ProcessLookupError:
        pass


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


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m mlops_course._guard PARENT_PID -- COMMAND...", file=sys.stderr)
        return 2
    parent = int(argv[0])
    child = subprocess.Popen(argv[2:])
    stopping = False

    def on_term(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    while True:
        code = child.poll()
        if code is not None:
            return code
        if stopping or not _parent_alive(parent):
            _kill_group(child)
            return 0
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
