"""`python -m mlops_course export DEST`: the learner's project leaves the course as a standalone git repository.

The workspace's project is already a package that stands alone: upi_fraud in src/, and beside it upi_kit
(the dataset generator, the story's constants, the paths), which lab 01 copied in from the course. So the
export copies the project without caches and scratch state, drops the lab builder's solution markers
(comments that mean nothing outside the course), rebuilds the Feast registry in its new place, checks that
nothing names the course, writes a README and a .gitignore, and commits once. Anything the export cannot
make standalone stops it with one sentence, before a broken repository is left.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import workspace
from .errors import CourseError

#: Caches and scratch state a project folder collects; online_first_day.db is lab 03's what-if copy of the
#: online store (no project file reads it); the registry is rebuilt by `feast apply` in the export.
EXCLUDED_NAMES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".ci", ".hypothesis", ".schemathesis",
                  ".ipynb_checkpoints", ".venv", "mlruns", "bentoml", ".DS_Store", "online_first_day.db",
                  "registry.db", "workspace"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".log", ".db-journal")
#: The files whose text the export reads (the solution markers are dropped from the learner's modules).
TEXT_SUFFIXES = {".py", ".toml", ".yml", ".yaml", ".txt", ".md", ".cfg", ".ini"}
#: What git leaves out: everything a run of the project creates.
GITIGNORE = ["workspace/", "datasets/cache/", ".ci/", "__pycache__/", ".pytest_cache/", ".ruff_cache/", ".mypy_cache/",
             ".hypothesis/", ".schemathesis/", "mlruns/", "bentoml/", "*.pyc", ".venv/", "*.egg-info/"]
#: The export's own git identity (a fresh machine has none; the global configuration is left alone).
AUTHOR_NAME = "UPI Fraud MLOps Labs export"
AUTHOR_EMAIL = "export@upi-fraud-mlops-labs.invalid"
COMMIT_MESSAGE = "Export of the UPI fraud project from the UPI Fraud MLOps Labs"
_FORBIDDEN = re.compile(r"mlops_course|MLOPS_")
_SOLUTION_MARKER = re.compile(r"^[ \t]*#+ (BEGIN|END) SOLUTION\b.*\n", flags=re.M)


class ExportError(CourseError):
    """The export cannot go on: the sentence says what to do. The CLI exits with status 2."""

    exit_code = 2


@dataclass(frozen=True)
class Exported:
    """What the export wrote: shown to the learner as a short summary."""

    dest: Path
    files: int
    size_bytes: int
    commit: str

    def summary(self) -> str:
        return (f"Exported the project to {self.dest}: {self.files} files, {self.size_bytes / 1e6:.1f} MB, "
                f"one commit {self.commit[:12]}.\nNext: cd {self.dest} && make ci")


def export(dest: str | Path, workspace_root: str | Path | None = None) -> Exported:
    """Export the workspace's project to DEST (new or empty) as a standalone, committed git repository.

    If a step fails, what the export wrote is removed again, so the learner can fix the cause and rerun.
    """
    ws = Path(workspace_root).expanduser().resolve() if workspace_root else workspace._root_path()  # creates nothing
    project = find_project(ws)
    dest = Path(dest).expanduser().resolve()
    existed = check_destination(dest, project)
    git = shutil.which("git")
    if git is None:
        raise ExportError("git is not installed: install git (it makes the export a repository), then export again.")
    try:
        _build(project, dest, ws)
        commit = _commit(git, dest)
    except BaseException:
        _undo(dest, existed)
        raise
    files = list(exported_files(dest))
    return Exported(dest, len(files), sum(p.stat().st_size for p in files), commit)


def exported_files(dest: Path) -> Iterator[Path]:
    """Every file of the export outside .git/, in a stable order."""
    for path in sorted(dest.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(dest).parts:
            yield path


def _last_line(done: subprocess.CompletedProcess) -> str:
    """What a failed tool said last (its error, else its output)."""
    return (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]


def _build(project: Path, dest: Path, ws: Path) -> None:
    """Every step that writes DEST, in order; each refuses with one sentence when it cannot go on."""
    from .export_readme import write_readme

    copy_project(project, dest)
    drop_markers(dest)
    check_leftovers(dest)
    repo = dest / "feature_repo"
    if (repo / "feature_store.yaml").is_file():
        feast_apply(repo)
        check_registry(repo / "data" / "registry.db", project, dest)
    write_gitignore(dest)
    write_readme(dest, ws)  # last: its file table lists what the export holds


def find_project(ws: Path) -> Path:
    """The workspace's project, once lab 05 has given it its tests, Makefile and pyproject.toml."""
    project = ws / "project"
    if not all((project / name).exists() for name in ("Makefile", "tests", "pyproject.toml", "src/upi_kit")):
        raise ExportError(f"The workspace {ws} has no project to export yet: run lab 05 (05-ci-for-ml) first, "
                          "it gives the project its tests, Makefile and pyproject.toml.")
    return project


def check_destination(dest: Path, project: Path) -> bool:
    """Refuse a folder that is not empty or inside the project it would copy; True if DEST exists.

    Inside the workspace is fine (lab 07 exports to workspace/export/): the export names its own files."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ExportError(f"{dest} exists and is not empty: choose an empty or new folder.")
    if dest.is_relative_to(project):
        raise ExportError(f"{dest} is inside the project it would copy: choose a folder outside {project}.")
    return dest.exists()


def _undo(dest: Path, existed: bool) -> None:
    """Remove what a failed export wrote (an existing DEST was empty: it is left empty)."""
    if not dest.is_dir():
        return
    if not existed:
        shutil.rmtree(dest, ignore_errors=True)
        return
    for child in dest.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _ignored(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in EXCLUDED_NAMES or n.endswith(EXCLUDED_SUFFIXES)}


def copy_project(project: Path, dest: Path) -> None:
    """The project's files without caches, scratch state, lab 03's what-if store or the stale registry."""
    shutil.copytree(project, dest, ignore=_ignored, dirs_exist_ok=True)


def is_text_file(path: Path) -> bool:
    """The files the export reads as text: source, configuration and documentation."""
    return path.suffix in TEXT_SUFFIXES or path.name == "Makefile"


def drop_markers(dest: Path) -> None:
    """The lab builder's `### BEGIN/END SOLUTION` lines, which mean nothing outside the course, removed."""
    for path in exported_files(dest):
        if is_text_file(path):
            text = path.read_text(encoding="utf-8")
            if _SOLUTION_MARKER.search(text):
                path.write_text(_SOLUTION_MARKER.sub("", text), encoding="utf-8")


def leftovers(dest: Path) -> list[tuple[str, str]]:
    """(file, word) for every file that still says mlops_course or MLOPS_ (binary files are skipped)."""
    found = []
    for path in exported_files(dest):
        raw = path.read_bytes()
        if b"\0" in raw:
            continue
        match = _FORBIDDEN.search(raw.decode("utf-8", errors="replace"))
        if match:
            found.append((str(path.relative_to(dest)), match.group(0)))
    return found


def check_leftovers(dest: Path) -> None:
    """Stop if a file names the course: the exported project would need it."""
    found = leftovers(dest)
    if found:
        name, word = found[0]
        raise ExportError(f"{name} mentions {word}, so the exported project would need the course: remove that "
                          "dependency from the project, then export again.")


def clean_environment() -> dict[str, str]:
    """This process's environment without the course's variables, telemetry off: how the export runs tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLOPS_")}
    return {**env, **workspace.TELEMETRY_OFF, "FEAST_USAGE": "False"}


def feast_apply(repo: Path) -> None:
    """Rebuild the registry in the export: the copied one named the parquet files by their paths in the course."""
    feast = Path(sys.executable).with_name("feast")
    if not feast.exists():
        raise ExportError(f"There is no feast command next to {sys.executable}: run the export from the course's "
                          "environment, where Feast is installed.")
    done = subprocess.run([str(feast), "apply"], cwd=repo, env=clean_environment(), capture_output=True, text=True,
                          timeout=600)
    if done.returncode != 0:
        raise ExportError(f"`feast apply` failed in {repo} (exit {done.returncode}): {_last_line(done)}")


def check_registry(registry: Path, project: Path, dest: Path) -> None:
    """The rebuilt registry names the export's parquet files, never those of the workspace's project (paths are
    stored as plain UTF-8 in the registry's protobuf, so reading the bytes is enough)."""
    raw = registry.read_bytes() if registry.is_file() else b""
    if not raw:
        raise ExportError(f"`feast apply` wrote no registry at {registry}: check feature_repo/feature_store.yaml.")
    if (str(project) + os.sep).encode() in raw:
        raise ExportError(f"The rebuilt registry {registry} still names files in the course's project {project}: "
                          "a feature view's source path is not built from its own folder.")
    if str(dest / "feature_repo").encode() not in raw:
        raise ExportError(f"The rebuilt registry {registry} names no file of the export: check the sources' paths.")


def write_gitignore(dest: Path) -> None:
    """The project's own .gitignore, if it had one, plus what a run of the export creates."""
    path = dest / ".gitignore"
    lines = path.read_text().splitlines() if path.is_file() else []
    lines += [entry for entry in GITIGNORE if entry not in lines]
    path.write_text("\n".join(lines) + "\n")


def _git(git: str, dest: Path, *args: str) -> str:
    identity = ["-c", f"user.name={AUTHOR_NAME}", "-c", f"user.email={AUTHOR_EMAIL}", "-c", "commit.gpgsign=false"]
    done = subprocess.run([git, *identity, *args], cwd=dest, env=clean_environment(), capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        raise ExportError(f"`git {args[0]}` failed in {dest}: {_last_line(done)}")
    return done.stdout.strip()


def _commit(git: str, dest: Path) -> str:
    """One commit of everything, by the export's own identity; returns its id."""
    _git(git, dest, "init", "-q", "-b", "main")
    _git(git, dest, "add", "-A")
    _git(git, dest, "commit", "-q", "--no-verify", "-m", COMMIT_MESSAGE)
    return _git(git, dest, "rev-parse", "HEAD")
