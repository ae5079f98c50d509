"""Where the project's runs write, and where the dataset is cached.

One root, the workspace, holds everything a run creates: the MLflow tracking store and its
artifacts, the production record, monitoring, the loop. `UPI_WORKSPACE` moves it (default:
`workspace/` under the current folder, which is the project's root when you run its commands).
The dataset cache is shared by every workspace, because the data is deterministic:
`UPI_DATA_CACHE` moves it (default: `datasets/cache/` next to the workspace).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The variable that moves the workspace, and the one that moves the dataset cache.
WORKSPACE_ENV = "UPI_WORKSPACE"
DATA_CACHE_ENV = "UPI_DATA_CACHE"
#: Telemetry off for the whole stack (set when upi_kit is imported, and in every child's environment).
TELEMETRY_OFF = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", "BENTOML_DO_NOT_TRACK": "true",
                 "FEAST_USAGE": "False"}


def root_path() -> Path:
    """The workspace root, resolved but not created."""
    override = os.environ.get(WORKSPACE_ENV)
    return (Path(override).expanduser() if override else Path.cwd() / "workspace").resolve()


def root() -> Path:
    """The workspace root; created on first use."""
    path = root_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def folder(*parts: str) -> Path:
    """A folder inside the workspace, created if missing."""
    path = root().joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def tracking_uri(ws: Path) -> str:
    """The MLflow tracking store of workspace `ws`: SQLite in mlflow/ (MLflow 3 refuses a plain folder store)."""
    return f"sqlite:///{ws / 'mlflow' / 'mlflow.db'}"


def mlflow_tracking_uri() -> str:
    """MLFLOW_TRACKING_URI when it is set (a team's server), else the workspace's own SQLite store."""
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    folder("mlflow")  # SQLite creates the file, not its folder
    return tracking_uri(root())


def mlflow_artifact_root() -> Path:
    """The absolute artifact folder: without one, MLflow writes artifacts under the current folder."""
    return folder("mlflow", "artifacts")


def data_cache_dir() -> Path:
    """Generated datasets (parquet), shared by every workspace: generation is deterministic."""
    override = os.environ.get(DATA_CACHE_ENV)
    path = (Path(override).expanduser() if override else root_path().parent / "datasets" / "cache").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def relative(path: str | Path) -> str:
    """A path as a person reads it: `workspace/...` inside the workspace, else unchanged."""
    p = Path(path)
    try:
        return str(Path("workspace") / p.resolve().relative_to(root_path()))
    except ValueError:
        return str(p)
