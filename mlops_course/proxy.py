"""jupyter-server-proxy entry point: the MLflow UI at /mlflow/ inside JupyterLab.

On Binder a learner cannot reach a port directly; jupyter-server-proxy starts
this command on demand and forwards /mlflow/ to it. Registered in
pyproject.toml under [project.entry-points.jupyter_serverproxy_servers], so it
works the same locally (`make lab`) and on Binder (postBuild installs the package).
The command is the one the notebooks use (launchers.py). The BentoML service is
not proxied this way: the learner reaches the notebook's own instance at
/proxy/<port>/. The Evidently UI needs the server root, so it has its own port.
"""

from __future__ import annotations

from typing import Any

from . import workspace
from .launchers import mlflow_ui_command


def mlflow() -> dict[str, Any]:
    return {
        "command": mlflow_ui_command(host="127.0.0.1", port="{port}", behind_proxy=True),
        "environment": {k: v for k, v in workspace.environment().items() if k != "MLFLOW_TRACKING_URI"},
        "timeout": 90,
        "absolute_url": False,
        "launcher_entry": {"enabled": True, "title": "MLflow UI"},
        "new_browser_tab": True,
    }
