"""JupyterLab settings the course ships: no news feed, no update check.

Out of the box JupyterLab 4 greets every new user with "Would you like to get notified
about official Jupyter news?" and, if accepted, fetches a feed from the internet. The
course runs offline and its first screen should be the lab, so the answer is written
once, as an admin override in the environment (`<prefix>/share/jupyter/lab/settings/
overrides.json`): `make lab` and Binder's postBuild both write it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NOTIFICATIONS = "@jupyterlab/apputils-extension:notification"
OVERRIDES = {NOTIFICATIONS: {"fetchNews": "false", "checkForUpdates": False}}


def overrides_path(prefix: str | Path | None = None) -> Path:
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_overrides(prefix: str | Path | None = None) -> Path:
    """Merge the course's overrides into the environment's overrides.json (other keys are kept)."""
    path = overrides_path(prefix)
    current = json.loads(path.read_text()) if path.is_file() else {}
    for plugin, values in OVERRIDES.items():
        current.setdefault(plugin, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n")
    return path
