"""Run a command with no network but loopback: `python tools/offline.py CMD...`.

`make test` runs the suite through this, so "nothing downloads at run time" is
enforced, not hoped for. Where Linux network namespaces are available (root, or
unprivileged user namespaces), CMD runs in a fresh namespace whose only
interface is `lo`. Elsewhere it falls back to a Python-level guard (loaded in
every Python process through PYTHONPATH) that refuses connections to anything
but 127.0.0.1/::1 and Unix sockets. tests/test_offline.py checks that one of
the two is in force.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

GUARD_DIR = Path(__file__).resolve().parent / "offline_guard"


def _namespace_prefix() -> list[str] | None:
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if not unshare or not Path(ip).exists():
        return None
    flags = "-n" if os.geteuid() == 0 else "-rn"
    probe = subprocess.run([unshare, flags, ip, "link", "set", "lo", "up"], capture_output=True)
    if probe.returncode != 0:
        return None
    return [unshare, flags, "sh", "-c", f'{ip} link set lo up && exec "$@"', "offline"]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    env = dict(os.environ)
    prefix = _namespace_prefix()
    if prefix:
        env["MLOPS_NETWORK"] = "isolated"
        print("offline: running in a network namespace with loopback only", flush=True)
    else:
        prefix = []
        env["MLOPS_NETWORK"] = "guarded"
        print("offline: no network namespace here; using the Python socket guard", flush=True)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD_DIR), env.get("PYTHONPATH")]))
    env["MLOPS_OFFLINE_GUARD"] = "1"
    return subprocess.call([*prefix, *argv], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
