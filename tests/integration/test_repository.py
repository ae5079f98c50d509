"""Repository checks that run tools: the labs check command, the environment generator, imports, lint."""

import subprocess
import sys
from pathlib import Path

from mlops_course import workspace

ROOT = workspace.course_root()


def test_build_labs_check_command_passes():
    res = subprocess.run([sys.executable, "-m", "mlops_course", "build-labs", "--check"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_the_environment_file_generator_agrees_with_the_lock():
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "sync_environment.py"), "--check"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout


def test_importing_the_package_pulls_in_none_of_the_heavy_stack():
    code = (
        "import sys, mlops_course; heavy = [m for m in ('mlflow', 'feast', 'bentoml', 'evidently', 'pandas', 'sklearn', 'papermill') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""


def test_the_package_switches_telemetry_off_on_import():
    names = ("MLFLOW_DISABLE_TELEMETRY", "DO_NOT_TRACK", "BENTOML_DO_NOT_TRACK", "FEAST_USAGE")
    code = (f"import os; [os.environ.pop(k, None) for k in {names!r}]; import mlops_course; "
            f"print(*[os.environ[k] for k in {names!r}])")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.split() == ["true", "true", "true", "False"]


def test_code_and_notebooks_are_lint_clean():
    ruff = Path(sys.executable).with_name("ruff")  # pinned in the lock, installed beside this Python
    exe = str(ruff) if ruff.exists() else "ruff"
    res = subprocess.run([exe, "check", "mlops_course", "tests", "tools", "bench", "solutions", "project"], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]


def test_the_reference_project_type_checks():
    """mypy with disallow_untyped_defs (project/pyproject.toml) on every module of the project and its tests."""
    res = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", "/dev/null"], cwd=ROOT / "project",
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:]
    assert res.stdout.startswith("Success: no issues found")

