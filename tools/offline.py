"""Run a command with no network but loopback: `python tools/offline.py CMD...`.

`make test` runs the suite through this, so "nothing downloads at run time" is
enforced, not hoped for. Where Linux network namespaces are available (root, or
unprivileged user namespaces), CMD runs in a fresh namespace whose only
interface is `lo`. Elsewhere it falls back to a Python-level guard (loaded in
every Python process through PYTHONPATH) that refuses connections to anything
but 127.0.0.1/::1 and Unix sockets. tests/test_offline.py checks that one of
the two is in force. The mechanics live in mlops_course/offline.py (the class
report runs learners' notebooks the same way).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    env = dict(os.environ)  # before the course's package is imported: it sets telemetry defaults on import
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mlops_course.offline import guarded, namespace_prefix

    prefix = namespace_prefix()
    if prefix:
        print("offline: running in a network namespace with loopback only", flush=True)
    else:
        prefix = []
        print("offline: no network namespace here; using the Python socket guard", flush=True)
    return subprocess.call([*prefix, *argv], env=guarded(env, isolated=bool(prefix)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
