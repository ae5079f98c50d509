"""Shared fixtures and the suite's own rules.

- The whole suite runs on temporary workspaces, never the learner's.
- Markers follow what a test needs: tests/unit -> `unit` (pure, fast), tests/integration ->
  `integration` (processes, servers, kernels), tests/course -> `course` (notebook runs);
  `slow` (studies at the default size) is set by the test itself. `pytest -m unit` runs in seconds.
- With pytest-xdist (`make test` passes `-n auto --dist loadgroup`), each course chain stays on
  one worker (xdist_group "course-N"): its labs run in order on one workspace.
- After the session, `git status --porcelain` must show nothing new: no test or lab writes
  into the checkout (a bench once committed mlruns/ to the repository root).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from suite_plan import course_group

from mlops_course.workspace import TELEMETRY_OFF, using

pytest.register_assert_rewrite("loop_claims")  # the loop's story claims, shared by a unit and a course test
ROOT = Path(__file__).resolve().parents[1]
GUARD_DIR = ROOT / "tools" / "offline_guard"
_STATUS_KEY = pytest.StashKey[set]()
_FOLDER_MARKERS = {"unit": "unit", "integration": "integration", "course": "course", "studies": "slow"}

# Before anything imports the course: a throwaway default workspace for this run,
# telemetry off, and (outside tools/offline.py) the socket guard for child processes.
_SESSION_WS = Path(tempfile.mkdtemp(prefix="mlops-tests-"))
os.environ["MLOPS_WORKSPACE"] = str(_SESSION_WS / "default-workspace")
os.environ["UPI_WORKSPACE"] = os.environ["MLOPS_WORKSPACE"]  # the reference project's modules write there too
os.environ.update(TELEMETRY_OFF)
if os.environ.get("MLOPS_OFFLINE_GUARD") != "1":
    os.environ["MLOPS_OFFLINE_GUARD"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")]))
    import importlib.util

    _spec = importlib.util.spec_from_file_location("_offline_guard", GUARD_DIR / "sitecustomize.py")
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))  # the guard, in this process too


def _git_status() -> set[str]:
    res = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                         capture_output=True, text=True)
    return set(res.stdout.splitlines()) if res.returncode == 0 else set()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STATUS_KEY] = _git_status()
    if hasattr(config, "workerinput"):
        # One thread per xdist worker (and the kernels it starts): with a worker per core, OpenMP's default
        # of one thread per core in every process (scikit-learn's HistGradientBoosting) oversubscribes the CPU.
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.path)).parent.name
        if folder in _FOLDER_MARKERS:
            item.add_marker(_FOLDER_MARKERS[folder])
        if folder == "course" and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(course_group(getattr(item, "callspec", None), item.path.name)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if it left new or changed files in the checkout (checked once, by the controller)."""
    if hasattr(session.config, "workerinput"):
        return
    new = sorted(_git_status() - session.config.stash.get(_STATUS_KEY, set()))
    if new:
        session.config.get_terminal_writer().line(
            "The test run wrote into the course checkout (git status shows new changes): " + "; ".join(new[:10])
            + ". Tests, labs and benches must write only under a workspace or a temporary folder.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED



@pytest.fixture
def ws(tmp_path) -> Path:
    """A fresh, empty workspace for one test; the environment is restored afterwards."""
    with using(tmp_path / "workspace") as path:
        yield path


@pytest.fixture(scope="session")
def session_root() -> Path:
    return _SESSION_WS


#: Tests that need a tool this machine may lack skip with "not run: <what is missing>; install ...": the summary
#: says so per group, with the command that fixes it (CI installs both and makes them required: .ci/run).
NOT_RUN = {"browser tests": ("not run: Chromium",),
           "production profile tests": ("not run: PostgreSQL", "not run: Redis")}


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Say it when a group of tests did not run for a missing tool (Chromium; PostgreSQL and Redis), and how to fix it."""
    for group, prefixes in NOT_RUN.items():
        skipped = [r for r in terminalreporter.stats.get("skipped", []) if any(p in str(r.longrepr) for p in prefixes)]
        if skipped:
            longrepr = skipped[0].longrepr
            reason = str(longrepr[-1]) if isinstance(longrepr, tuple) else str(longrepr)
            terminalreporter.write_line(f"{group} NOT RUN ({len(skipped)}): "
                                        f"{reason.removeprefix('Skipped: ').removeprefix('not run: ')}", yellow=True)
