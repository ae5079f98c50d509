"""jupyter-server-proxy entry point: the MLflow UI at /mlflow/ inside JupyterLab.

On Binder a learner cannot reach a port directly; jupyter-server-proxy starts
this command on demand and forwards /mlflow/ to it. Registered in
pyproject.toml under [project.entry-points.jupyter_serverproxy_servers], so it
works the same locally (`make lab`) and on Binder (postBuild installs the package).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import workspace


def mlflow() -> dict[str, Any]:
    mlflow_bin = Path(sys.executable).with_name("mlflow")
    return {
        "command": [
            str(mlflow_bin) if mlflow_bin.exists() else "mlflow", "ui",
            "--backend-store-uri", workspace.mlflow_tracking_uri(),
            "--default-artifact-root", str(workspace.mlflow_artifact_root()),
            "--host", "127.0.0.1", "--port", "{port}", "--workers", "1",
            # The proxy forwards the browser's Host header (the Binder host name).
            "--allowed-hosts", "*",
        ],
        "environment": {k: v for k, v in workspace.environment().items() if k != "MLFLOW_TRACKING_URI"},
        "timeout": 90,
        "absolute_url": False,
        "launcher_entry": {"enabled": True, "title": "MLflow UI"},
        "new_browser_tab": True,
    }
