"""Where everything lives.

One root, the workspace, holds everything a learner's runs create (tracking
store, feature repo, Bento store, reports, the project files), so that a lab can
be reset without touching the course itself, and tests can point the whole
course at a temporary folder with one environment variable.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from upi_kit import workspace as kit
from upi_kit.workspace import DATA_CACHE_ENV, TELEMETRY_OFF

from .errors import CourseError

#: Environment variable that moves the workspace (tests use a temporary folder). The course exports the same
#: folder to the project as UPI_WORKSPACE, and the dataset cache as UPI_DATA_CACHE (default datasets/cache).
WORKSPACE_ENV = "MLOPS_WORKSPACE"

_PACKAGE_DIR = Path(__file__).resolve().parent


class WorkspaceError(CourseError, RuntimeError):
    """A workspace operation that would be unsafe or cannot work."""


def course_root() -> Path:
    """The repository checkout: the folder that holds course.yml."""
    override = os.environ.get("MLOPS_COURSE_ROOT")
    if override:
        return Path(override).expanduser().resolve()
    return _PACKAGE_DIR.parent


def _root_path() -> Path:
    override = os.environ.get(WORKSPACE_ENV)
    return (Path(override).expanduser() if override else course_root() / "workspace").resolve()


def root() -> Path:
    """The workspace root; created on first use."""
    path = _root_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def path(*parts: str) -> Path:
    """A path inside the workspace (parent folders are created)."""
    p = root().joinpath(*parts)
    p.parent.mkdir(parents=True, exist_ok=True)
    return p


def folder(*parts: str) -> Path:
    """A folder inside the workspace, created if missing."""
    p = root().joinpath(*parts)
    p.mkdir(parents=True, exist_ok=True)
    return p


def project_dir() -> Path:
    """The learner's project: the upi_fraud package in src/, its Feast repo, tests and CI."""
    return folder("project")


def mlflow_tracking_uri() -> str:
    """SQLite tracking store inside the workspace (the plain file store is refused by MLflow 3)."""
    folder("mlflow")  # SQLite creates the file, not its folder
    return kit.tracking_uri(root())


def mlflow_artifact_root() -> Path:
    """Absolute artifact folder; without it MLflow writes artifacts under the current folder."""
    return folder("mlflow", "artifacts")


def feature_repo_dir() -> Path:
    """The Feast feature repository inside the learner's project."""
    return project_dir() / "feature_repo"


def bentoml_home() -> Path:
    """BENTOML_HOME for the labs (BentoML's default is ~/bentoml)."""
    return folder("bentoml")


def reports_dir() -> Path:
    """Evidently reports and other HTML/JSON outputs."""
    return folder("reports")


def logs_dir() -> Path:
    """Logs of background services."""
    return folder("logs")


def state_dir() -> Path:
    """Course bookkeeping: completion markers, catch-up runs, the workspace's data size."""
    return folder(".course")


def completed_dir() -> Path:
    """Completion markers, one JSON file per finished lab."""
    return folder(state_dir().name, "completed")


def default_data_cache() -> str:
    """The course's dataset cache, datasets/cache in the checkout (UPI_DATA_CACHE moves it)."""
    return str(course_root() / "datasets" / "cache")


def data_cache_dir() -> Path:
    """Generated datasets (parquet), shared by all workspaces because generation is deterministic.

    The project's upi_kit reads the same folder: the course sets UPI_DATA_CACHE to datasets/cache of the course
    (see `environment`), unless it is set already.
    """
    return Path(environment()[DATA_CACHE_ENV]).expanduser().resolve()


def environment() -> dict[str, str]:
    """Environment variables that point the stack and the project at this workspace, with telemetry off.

    The project reads UPI_WORKSPACE and UPI_DATA_CACHE (upi_kit.workspace); PYTHONPATH puts the project's
    src/ first, so `python -m upi_fraud.train` runs the workspace's project, uninstalled.
    """
    ws = _root_path()  # computing the variables creates nothing: the stack makes its folders when it writes
    src = ws / "project" / "src"
    others = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)  # another workspace's project: out
              if p and Path(p).parts[-2:] != ("project", "src")]
    return {
        WORKSPACE_ENV: str(ws),
        kit.WORKSPACE_ENV: str(ws),
        DATA_CACHE_ENV: os.environ.get(DATA_CACHE_ENV) or default_data_cache(),
        "MLFLOW_TRACKING_URI": kit.tracking_uri(ws),
        "BENTOML_HOME": str(ws / "bentoml"),
        "PYTHONPATH": os.pathsep.join([str(src), *others]),
        **TELEMETRY_OFF,
    }


def activate() -> Path:
    """Export environment() into this process, so libraries and child processes use the workspace."""
    os.environ.update(environment())
    return root()


def enter() -> Path:
    """Activate the workspace, make it the current folder, and put its project first on the path (every lab's first step).

    With the workspace as the current folder, a lab writes `%%writefile project/src/...` and prints paths as the
    learner sees them (`project/...`), not as a temporary folder of the machine that recorded the notebook. The
    project's package is imported from the workspace (project.importable), never installed.
    """
    from .project import importable

    ws = activate()
    os.chdir(ws)
    importable(ws)
    return ws


def relative(p: str | Path) -> str:
    """A path as the learner sees it: `workspace/...` inside the workspace, else unchanged."""
    p = Path(p)
    try:
        return str(Path("workspace") / p.resolve().relative_to(_root_path()))
    except ValueError:
        return str(p)


@contextmanager
def using(folder_path: str | Path | None = None, **extra: str) -> Iterator[Path]:
    """Run a block with this workspace (and optional extra variables), then restore the environment exactly.

    Everything the course exports (MLOPS_WORKSPACE, MLFLOW_TRACKING_URI, BENTOML_HOME,
    telemetry) is set for the block and put back afterwards, including variables that
    were unset before: the one way to point the course somewhere else for a while
    (grading, recording, tests) without leaving the process aimed at a deleted folder.
    With no folder, the current workspace is activated for the block.
    """
    saved = dict(os.environ)
    try:
        if folder_path is not None:
            os.environ[WORKSPACE_ENV] = str(folder_path)
        os.environ.update(extra)
        yield activate()
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def scratch(prefix: str = "mlops-scratch-") -> Iterator[Path]:
    """A throwaway workspace in a temporary folder, also the current folder, removed afterwards.

    Benches, grading and recording run here, so a library that writes to the current
    folder (MLflow's ./mlruns, BentoML, Feast) cannot leave files in the course checkout.
    """
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    cwd = Path.cwd()
    try:
        with using(tmp / "workspace") as ws:
            os.chdir(tmp)
            yield ws
    finally:
        os.chdir(cwd)
        shutil.rmtree(tmp, ignore_errors=True)


def _is_unsafe_to_empty(p: Path) -> str | None:
    home = Path.home().resolve()
    croot = course_root().resolve()
    if p == Path(p.anchor):
        return "it is the filesystem root"
    if p == home:
        return "it is your home folder"
    if p == croot or p in croot.parents:
        return "it is the course folder or one of its parents"
    if len(p.parts) < 3:
        return "it is too close to the filesystem root"
    return None


def reset(confirm: bool = False) -> list[str]:
    """Empty the workspace (only its contents; the folder itself stays).

    Refuses to act on a folder that is obviously not a workspace (the file
    system root, the home folder, the course checkout), and never follows a
    symlink out of the workspace. Returns the names it removed.
    """
    if not confirm:
        raise WorkspaceError("reset deletes everything in the workspace: call reset(confirm=True) to go ahead.")
    ws = root()
    reason = _is_unsafe_to_empty(ws)
    if reason:
        raise WorkspaceError(f"Refusing to empty {ws} because {reason}; set {WORKSPACE_ENV} to a dedicated folder.")
    removed = []
    for child in sorted(ws.iterdir()):
        if child.is_symlink() or child.is_file():
            child.unlink()
        else:
            shutil.rmtree(child)
        removed.append(child.name)
    return removed
