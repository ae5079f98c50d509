"""Binder reads the repo as intended, and `make lab`'s command serves JupyterLab with the MLflow UI at /mlflow/."""

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from mlops_course import labsettings, services, workspace

ROOT = workspace.course_root()


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory):
    # repo2docker reads a git checkout; copy the tracked files so untracked local state cannot matter.
    copy = tmp_path_factory.mktemp("binder") / "repo"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    for rel in files.stdout.splitlines():
        src = ROOT / rel
        if src.is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, copy / rel)
    r2d = Path(sys.executable).with_name("jupyter-repo2docker")
    res = subprocess.run([str(r2d), "--no-build", "--debug", str(copy)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout + res.stderr


def test_binder_uses_environment_yml(dockerfile):
    assert "environment.yml" in dockerfile
    assert "requirements.txt" not in dockerfile.replace("requirements-lock.txt", "")


def test_binder_runs_post_build_and_start(dockerfile):
    # repo2docker runs postBuild at build time and makes `start` the entrypoint it hands the command to.
    assert "RUN ./postBuild" in dockerfile.splitlines()
    assert 'ENV R2D_ENTRYPOINT="${REPO_DIR}/start"' in dockerfile.splitlines()


def test_no_binder_folder_hides_the_root_config():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_the_readme_badge_opens_lab_00():
    from mlops_course.manifest import course

    url = course().course.binder_url
    assert "urlpath=lab/tree/labs/00_setup.ipynb" in url
    readme = (ROOT / "README.md").read_text()
    assert url in readme and "badge_logo.svg" in readme


def test_make_lab_serves_jupyterlab_and_the_mlflow_ui_through_the_proxy(ws):
    token = "course-test-token"
    cmd = [sys.executable, "-m", "mlops_course", "lab", "--no-browser", "--port", "{port}",
           f"--IdentityProvider.token={token}"]
    lab = services.Service("jupyterlab", cmd, ready_path=f"/lab?token={token}", timeout=90, cwd=ROOT)
    with lab:
        assert services.http_status(f"{lab.url}/lab?token={token}") == 200
        assert services.http_status(f"{lab.url}/lab/tree/labs/00_setup.ipynb?token={token}") == 200
        # No "get notified about Jupyter news?" prompt, and no feed fetched from the internet.
        with urllib.request.urlopen(f"{lab.url}/lab/api/settings/{labsettings.NOTIFICATIONS}?token={token}") as r:
            defaults = json.load(r)["schema"]["properties"]  # admin overrides become the schema's defaults
        assert defaults["fetchNews"]["default"] == "false" and defaults["checkForUpdates"]["default"] is False
        # jupyter-server-proxy starts the MLflow UI on first request (can take ~20 s on a cold start).
        status = services.http_status(f"{lab.url}/mlflow/health?token={token}", timeout=120)
        assert status == 200
        pids = lab.pids()
        assert len(pids) > 2  # the proxied MLflow UI runs under JupyterLab
    import psutil

    assert not [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
