"""The workspace: one root, overridable, and a reset that cannot escape it."""

from pathlib import Path

import pytest

from mlops_course import workspace
from mlops_course.workspace import WorkspaceError


def test_the_environment_variable_moves_the_workspace(ws):
    assert workspace.root() == ws.resolve()
    assert ws.is_dir()


def test_the_default_workspace_is_inside_the_course(monkeypatch):
    monkeypatch.delenv("MLOPS_WORKSPACE")
    assert workspace.root() == workspace.course_root() / "workspace"


def test_stack_locations_all_derive_from_the_workspace(ws):
    root = ws.resolve()
    assert workspace.mlflow_tracking_uri() == f"sqlite:///{root}/mlflow/mlflow.db"
    for p in (workspace.mlflow_artifact_root(), workspace.feature_repo_dir(), workspace.bentoml_home(),
              workspace.reports_dir(), workspace.project_dir(), workspace.logs_dir()):
        assert p.is_relative_to(root)
    env = workspace.environment()
    assert env["BENTOML_HOME"] == str(root / "bentoml")
    assert env["MLFLOW_DISABLE_TELEMETRY"] == "true" and env["BENTOML_DO_NOT_TRACK"] == "true"


def test_reset_empties_only_the_workspace(ws, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    workspace.path("project", "train.py").write_text("print('hi')")
    (ws / "link-out").symlink_to(tmp_path)  # a symlink pointing outside must be unlinked, not followed
    removed = workspace.reset(confirm=True)
    assert sorted(removed) == ["link-out", "project"]
    assert ws.is_dir() and list(ws.iterdir()) == []
    assert outside.read_text() == "keep me"


def test_reset_needs_confirmation(ws):
    workspace.path("a.txt").write_text("x")
    with pytest.raises(WorkspaceError, match="confirm=True"):
        workspace.reset()
    assert (ws / "a.txt").exists()


@pytest.mark.parametrize("target", ["/", str(Path.home())])
def test_reset_refuses_obviously_wrong_folders(monkeypatch, target):
    monkeypatch.setenv("MLOPS_WORKSPACE", target)
    with pytest.raises(WorkspaceError, match="Refusing to empty"):
        workspace.reset(confirm=True)


def test_reset_refuses_the_course_folder(monkeypatch):
    monkeypatch.setenv("MLOPS_WORKSPACE", str(workspace.course_root()))
    with pytest.raises(WorkspaceError, match="course folder"):
        workspace.reset(confirm=True)
