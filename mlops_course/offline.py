"""No network but loopback for processes the course starts: `make test`, and learners' notebooks in a class report.

Where Linux network namespaces are available (root, or unprivileged user
namespaces), a command runs in a fresh namespace whose only interface is `lo`.
Everywhere, every Python process also gets the socket guard (tools/offline_guard,
loaded through PYTHONPATH) that refuses connections to anything but 127.0.0.1/::1
and Unix sockets, so a fallback machine is still offline for Python code.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

GUARD_DIR = Path(__file__).resolve().parents[1] / "tools" / "offline_guard"


def namespace_prefix(mounts: tuple[tuple[Path, Path], ...] = (), probe: bool = True) -> list[str] | None:
    """The argv prefix that runs a command in a new network namespace with loopback up (None: not possible here).

    With `mounts` ((source, target) folders), the command also gets a mount namespace of its own in which each
    source is bind-mounted over its target: it sees its own copy at the target's path, nobody else does.
    `probe=False` skips the trial run: for a caller that probed once already, and whose own reaping of
    orphaned children would race with the trial's."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if not unshare or not Path(ip).exists():
        return None
    flags = ("-" if os.geteuid() == 0 else "-r") + ("m" if mounts else "") + "n"
    binds = "".join(f"mount --bind {shlex.quote(str(src))} {shlex.quote(str(dst))} && " for src, dst in mounts)
    script = f'{binds}{ip} link set lo up && exec "$@"'
    if probe and subprocess.run([unshare, flags, "sh", "-c", script, "offline", "true"], capture_output=True).returncode:
        return None
    return [unshare, flags, "sh", "-c", script, "offline"]


def guarded(env: dict[str, str], isolated: bool) -> dict[str, str]:
    """`env` with the socket guard loaded in every Python process, and MLOPS_NETWORK saying which isolation holds."""
    return {
        **env,
        "MLOPS_NETWORK": "isolated" if isolated else "guarded",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(GUARD_DIR), env.get("PYTHONPATH")])),
        "MLOPS_OFFLINE_GUARD": "1",
    }
