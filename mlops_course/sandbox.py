"""Lab 04's service, started for a test or a bench without touching the learner's production state.

The learner's service (workspace/project/src/upi_fraud/serving/service.py) runs as written, but
against a copy of the online store restored to go-live and its own inference log, both in a
temporary folder: a contract test that writes payments, or a bench that sends thousands, leaves
the workspace's store and log as the labs left them. The registry (MLflow, Feast) is only read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from . import launchers, workspace
from .errors import CourseError
from .services import Service

SNAPSHOT = "production/online_store_go_live.db"
SERVICE_FILE = "src/upi_fraud/serving/service.py"
SERVICE = "upi_fraud.serving.service:FraudService"


class SandboxError(CourseError):
    """Lab 04 has not left what the sandbox needs."""


def prepare(folder: Path) -> dict[str, str]:
    """A feature repo config pointing at a go-live copy of the online store, and a fresh log; returns the env."""
    ws = workspace.root()
    snapshot = ws / SNAPSHOT
    config_path = workspace.feature_repo_dir() / "feature_store.yaml"
    if not snapshot.is_file() or not (workspace.project_dir() / SERVICE_FILE).is_file():
        raise SandboxError("Lab 04 is not complete in this workspace: run it (or catch it up) first.")
    repo = folder / "feature_repo"
    repo.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load(config_path.read_text())
    config["online_store"]["path"] = str(folder / "online_store.db")
    registry = config["registry"]  # read from the workspace's repo: relative paths are relative to that folder
    if isinstance(registry, dict):
        registry["path"] = str(config_path.parent / registry["path"])
    else:
        config["registry"] = str(config_path.parent / registry)
    (repo / "feature_store.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    with sqlite3.connect(snapshot) as src, sqlite3.connect(folder / "online_store.db") as dst:
        src.backup(dst)
    return {"FEATURE_REPO": str(repo), "INFERENCE_LOG": str(folder / "inference_log.db"),
            "MLFLOW_TRACKING_URI": workspace.mlflow_tracking_uri()}


def fraud_service(folder: Path, port: int | None = None, timeout: float = 120.0) -> Service:
    """The learner's service (SERVICE, from workspace/project/src) on a sandboxed store and log."""
    env = prepare(Path(folder))
    return launchers.bentoml_service(SERVICE, cwd=workspace.project_dir() / "src", name="fraud-service-sandbox",
                                     port=port, timeout=timeout, env=env)
