"""One launcher per server the labs run: the MLflow UI, a BentoML service, the Evidently UI.

Each server's command is written once, here. Notebooks start it through
`services.Service` (free 127.0.0.1 port, readiness, stop in `finally`, a guard
that stops it when the kernel dies); the Jupyter proxy (proxy.py) reuses the same
command for the UIs that work under a path prefix (MLflow). The learner's BentoML
service is reached through `/proxy/<port>/` of the instance the notebook started,
never a second instance started by the proxy: two would write the same log and
online store. The Evidently UI loads its assets from the server root, so it is
not offered through the proxy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import workspace
from .services import Service

#: Placeholders filled in by Service (or by jupyter-server-proxy for {port}).
PORT, HOST = "{port}", "{host}"


def _tool(name: str) -> list[str]:
    """The console script installed beside this interpreter (the course's venv), else the module."""
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


def mlflow_ui_command(host: str = HOST, port: str = PORT, behind_proxy: bool = False) -> list[str]:
    """`mlflow ui` on the workspace's tracking store, one worker (the default four cost ~280 MB each)."""
    cmd = [
        *_tool("mlflow"), "ui",
        "--backend-store-uri", workspace.mlflow_tracking_uri(),
        "--default-artifact-root", str(workspace.mlflow_artifact_root()),
        "--host", host, "--port", port, "--workers", "1",
    ]
    if behind_proxy:
        cmd += ["--allowed-hosts", "*"]  # the proxy forwards the browser's Host header (Binder's host name)
    return cmd


def mlflow_ui(port: int | None = None, timeout: float = 60.0) -> Service:
    """The MLflow UI as a background service (ready when /health answers)."""
    return Service("mlflow-ui", mlflow_ui_command(), port=port, ready_path="/health", timeout=timeout)


def bentoml_service(target: str, cwd: str | Path, name: str = "bentoml", port: int | None = None,
                    timeout: float = 90.0, env: dict[str, str] | None = None) -> Service:
    """`bentoml serve TARGET` (a `module:Class` in cwd, or a built Bento tag) on 127.0.0.1.

    `env` adds variables for the service (its configuration). Ready when /readyz answers 200: the port opens ~1.4 s after launch but requests
    hang until the worker is up (~10 s), so readiness is polled with a short timeout.
    """
    cmd = [*_tool("bentoml"), "serve", target, "--host", HOST, "--port", PORT]
    return Service(name, cmd, port=port, ready_path="/readyz", timeout=timeout, cwd=cwd,
                   env={"BENTOML_HOME": str(workspace.bentoml_home()), **(env or {})})


def evidently_ui(evidently_workspace: str | Path, port: int | None = None, timeout: float = 90.0) -> Service:
    """The Evidently UI over a local Evidently workspace (its own port: it has no path-prefix option)."""
    cmd = [*_tool("evidently"), "ui", "--workspace", str(evidently_workspace), "--host", HOST, "--port", PORT]
    return Service("evidently-ui", cmd, port=port, ready_path="/api/version", ready_status=(200,), timeout=timeout)
