"""No network but loopback for processes the course starts: `make test`, and learners' notebooks in a class report.

Where Linux network namespaces are available (root, or unprivileged user
namespaces), a command runs in a fresh namespace whose only interface is `lo`.
Everywhere, every Python process also gets the socket guard (tools/offline_guard,
loaded through PYTHONPATH) that refuses connections to anything but 127.0.0.1/::1
and Unix sockets, so a fallback machine is still offline for Python code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

GUARD_DIR = Path(__file__).resolve().parents[1] / "tools" / "offline_guard"


def namespace_prefix() -> list[str] | None:
    """The argv prefix that runs a command in a new network namespace with loopback up (None: not possible here)."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if not unshare or not Path(ip).exists():
        return None
    flags = "-n" if os.geteuid() == 0 else "-rn"
    probe = subprocess.run([unshare, flags, ip, "link", "set", "lo", "up"], capture_output=True)
    if probe.returncode != 0:
        return None
    return [unshare, flags, "sh", "-c", f'{ip} link set lo up && exec "$@"', "offline"]


def guarded(env: dict[str, str], isolated: bool) -> dict[str, str]:
    """`env` with the socket guard loaded in every Python process, and MLOPS_NETWORK saying which isolation holds."""
    return {
        **env,
        "MLOPS_NETWORK": "isolated" if isolated else "guarded",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(GUARD_DIR), env.get("PYTHONPATH")])),
        "MLOPS_OFFLINE_GUARD": "1",
    }
