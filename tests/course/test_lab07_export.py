"""The capstone's export (lab 07): the learner's project leaves the course and passes its own CI without it.

The export of the chain's workspace goes to a temporary folder; `make ci SIZE=ci` then runs there from a shell
as on a machine without the course: no MLOPS_ or UPI_ variable, no registry or Bento store of the course's
workspace, no workspace project on PYTHONPATH, and `import mlops_course` fails (a folder first on PYTHONPATH
shadows the package with one that raises). The repository must be the one commit the export made, its workflow
valid for GitHub, and the CI run must leave nothing git would pick up. `pip install -e .` in a fresh virtual
environment gives the project's console commands.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from chain import completed_lab

from mlops_course import export as exporting
from mlops_course.workspace import TELEMETRY_OFF

CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
#: What the course's workspace puts in the environment; a fresh machine has none of it.
COURSE_VARIABLES = ("MLFLOW_TRACKING_URI", "BENTOML_HOME")
BLOCKER = 'raise ImportError("mlops_course is not importable in the export test")\n'


def standalone_env(folder: Path) -> dict[str, str]:
    """This process's environment as a machine without the course would have it, telemetry off."""
    blocker = folder / "mlops_course"
    blocker.mkdir(parents=True, exist_ok=True)
    (blocker / "__init__.py").write_text(BLOCKER)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MLOPS_", "UPI_")) and k not in COURSE_VARIABLES}
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
             if p and Path(p).parts[-2:] != ("project", "src")]  # the course workspace's project: not on a fresh machine
    return {**env, **TELEMETRY_OFF, "FEAST_USAGE": "False",
            "PYTHONPATH": os.pathsep.join([str(folder), *paths]),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def run_ci(dest: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`make ci SIZE=ci` from a shell in the export, as the README says."""
    return subprocess.run("make ci SIZE=ci", shell=True, cwd=dest, env=env, capture_output=True, text=True,
                          timeout=1800)


def git(dest: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=dest, capture_output=True, text=True, check=True).stdout


def mentions_of_the_course(dest: Path) -> list[str]:
    """Tracked text files that still name the course's package or its variables."""
    found = []
    for name in git(dest, "ls-files", "-z").split("\0"):
        raw = (dest / name).read_bytes() if name else b"\0"
        if b"\0" not in raw and (b"mlops_course" in raw or b"MLOPS_" in raw):
            found.append(name)
    return found


@pytest.fixture(scope="module")
def exported(course_ws, tmp_path_factory):
    completed_lab(course_ws, "07-capstone")
    return exporting.export(tmp_path_factory.mktemp("export") / "upi-fraud")


@pytest.fixture(scope="module")
def ci_run(exported, tmp_path_factory):
    return run_ci(exported.dest, standalone_env(tmp_path_factory.mktemp("no-course")))


def test_lab07_the_export_passes_its_own_ci_without_the_course(ci_run):
    tail = (ci_run.stdout + ci_run.stderr)[-4000:]
    assert ci_run.returncode == 0, tail
    assert " passed" in ci_run.stdout, tail


def test_lab07_the_exported_workflow_validates_against_githubs_schema(exported):
    done = subprocess.run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows",
                           str(exported.dest / ".github" / "workflows" / "ci.yml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout


def test_lab07_the_readme_says_how_to_run_ci(exported):
    readme = (exported.dest / "README.md").read_text()
    assert "make ci" in readme and ".github/workflows/ci.yml" in readme


def test_lab07_the_export_is_one_commit_by_the_exports_identity(exported):
    log = git(exported.dest, "log", "--format=%H|%an|%ae|%s").splitlines()
    assert len(log) == 1, log
    commit, name, email, subject = log[0].split("|")
    assert commit == exported.commit
    assert (name, email, subject) == (exporting.AUTHOR_NAME, exporting.AUTHOR_EMAIL, exporting.COMMIT_MESSAGE)


def test_lab07_the_ci_run_leaves_nothing_for_git(exported, ci_run):
    assert git(exported.dest, "status", "--porcelain", "--untracked-files=all") == ""


def test_lab07_no_exported_file_names_the_course(exported, ci_run):
    assert mentions_of_the_course(exported.dest) == []


def test_lab07_pip_install_e_gives_the_console_commands(exported, tmp_path):
    """A fresh virtual environment (the stack reached through a .pth file, so nothing is downloaded): `pip install
    --no-deps --no-build-isolation -e .` installs the package and its upi-* commands, which run from any folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = next(venv.glob("lib/python3*/site-packages"))
    stack = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "pip").is_dir())
    (site / "course_stack.pth").write_text(stack + "\n")
    env = standalone_env(tmp_path / "no-course")
    env.pop("PYTHONPATH")
    python = venv / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                           "-e", str(exported.dest)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    for command in ("upi-train", "upi-serve", "upi-ct", "upi-monitor", "upi-loop"):
        helped = subprocess.run([str(venv / "bin" / command), "--help"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
        assert helped.returncode == 0 and f"usage: {command}" in helped.stdout, (command, helped.stderr[-2000:])
    where = subprocess.run([str(python), "-c", "import upi_fraud; print(upi_fraud.__file__)"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(exported.dest / "src"), where.stdout + where.stderr


def test_lab07_the_exported_kit_is_the_courses_byte_for_byte(exported):
    """upi_kit is copied, never rewritten: the export holds the package the course itself imports."""
    from mlops_course import project

    kit = project.reference() / "src" / "upi_kit"
    ours = {p.relative_to(kit): p.read_bytes() for p in kit.rglob("*.py")}
    theirs = {p.relative_to(exported.dest / "src" / "upi_kit"): p.read_bytes()
              for p in (exported.dest / "src" / "upi_kit").rglob("*.py")}
    assert ours and theirs == ours


def test_lab07_the_exported_package_keeps_the_size_limits(exported):
    """Modules at most 400 lines, functions at most 60 (tests/unit/test_code_shape.py's bar), on what was exported."""
    import ast

    long = []
    for path in sorted((exported.dest / "src").rglob("*.py")):
        text = path.read_text()
        if len(text.splitlines()) > 400:
            long.append(f"{path.name}: {len(text.splitlines())} lines")
        long += [f"{path.name}:{n.name}" for n in ast.walk(ast.parse(text))
                 if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno - n.lineno >= 60]
    assert long == []
