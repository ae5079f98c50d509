"""Shared fixtures. The whole suite runs on temporary workspaces, never the learner's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUARD_DIR = ROOT / "tools" / "offline_guard"

# Before anything imports the course: a throwaway default workspace for this run,
# telemetry off, and (outside tools/offline.py) the socket guard for child processes.
_SESSION_WS = Path(tempfile.mkdtemp(prefix="mlops-tests-"))
os.environ["MLOPS_WORKSPACE"] = str(_SESSION_WS / "default-workspace")
for var, val in (("MLFLOW_DISABLE_TELEMETRY", "true"), ("DO_NOT_TRACK", "true"), ("BENTOML_DO_NOT_TRACK", "true")):
    os.environ[var] = val
if os.environ.get("MLOPS_OFFLINE_GUARD") != "1":
    os.environ["MLOPS_OFFLINE_GUARD"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")]))
    import importlib.util

    _spec = importlib.util.spec_from_file_location("_offline_guard", GUARD_DIR / "sitecustomize.py")
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))  # the guard, in this process too


@pytest.fixture
def ws(tmp_path, monkeypatch) -> Path:
    """A fresh, empty workspace for one test."""
    path = tmp_path / "workspace"
    monkeypatch.setenv("MLOPS_WORKSPACE", str(path))
    return path


@pytest.fixture(scope="session")
def session_root() -> Path:
    return _SESSION_WS
