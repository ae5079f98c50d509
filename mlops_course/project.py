"""The learner's project: where its files come from, how a lab puts them in place, how a notebook reads them.

The course holds the whole project once, as real files in `project/` (the reference): linted, typed and
tested like any package. Two kinds of file live there:

* given files: plumbing that is not the lesson. The lab that introduces one copies it into the
  workspace (course.yml, `project_files`) with `add_given`, and shows the 10-40 lines that matter with
  `show`; a learner never edits one;
* learner modules: small files with `### BEGIN SOLUTION` blocks. A lab's exercise cell writes one with
  `%%writefile project/...`; that cell is generated from the reference file (`sync_exercise_cells`, run by
  `make labs`), so the two never drift.

Inside the course the project is never pip-installed per workspace: `importable` puts the workspace's
src/ (and its Feast repo) first on the kernel's path, the one path edit, outside the project.
"""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from . import workspace
from .errors import CourseError

if TYPE_CHECKING:
    from .manifest import Lab

#: A learner module has solution blocks; a given file has none.
MARKER = "### BEGIN SOLUTION"
#: The exercise cell's first line, for a learner module at `path` (relative to the project).
WRITEFILE = "%%writefile project/{path}"
#: Folders of the project that hold importable code, as the kernel's path and PYTHONPATH need them.
IMPORT_ROOTS = ("src", "feature_repo")
_SKIPPED = ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache")


class ProjectError(CourseError):
    """A project file the course needs is missing or out of place (one sentence for the maintainer)."""


def reference() -> Path:
    """The reference project in the course checkout: every file of the project, as the labs leave it."""
    return workspace.course_root() / "project"


def reference_files() -> list[str]:
    """Every file of the reference project (relative posix paths), caches left out."""
    root = reference()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and not any(part in _SKIPPED for part in p.parts))


def is_learner_module(path: str) -> bool:
    """Whether a reference file holds solution blocks (the learner writes it in an exercise cell)."""
    file = reference() / path
    return file.suffix in (".py", ".yml", ".yaml") and MARKER in file.read_text(encoding="utf-8")


def given_files(lab: Lab, root: Path | None = None) -> list[str]:
    """The given files a lab copies (its course.yml `project_files`, globs expanded), in a stable order."""
    root, found = root or reference(), []
    for pattern in lab.project_files:
        matches = sorted(p.relative_to(root).as_posix() for p in root.glob(pattern)
                         if p.is_file() and not any(part in _SKIPPED for part in p.parts))
        if not matches:
            raise ProjectError(f"course.yml: lab {lab.id} lists project file '{pattern}', which matches nothing "
                               f"in {root}; fix the path or add the file.")
        found += [m for m in matches if m not in found]
    return found


def add_given(lab_id: str, only: str | None = None, skip: str | None = None) -> list[Path]:
    """Copy a lab's given files into the workspace's project (replacing older copies); print what came.

    `only` or `skip` (a glob, relative to the project) copies a part now and the rest later in the lab, when a
    part must not exist yet (lab 05's continuous training arrives after `make ci` has checked the project).
    Given files are the course's, so a newer course version simply replaces them. Learner modules are never
    copied: an exercise cell writes them, and catch-up refuses to replace one that the learner changed.
    """
    from fnmatch import fnmatch

    from .manifest import course

    lab = course().lab(lab_id)
    target = workspace.project_dir()
    copied = []
    for rel in given_files(lab):
        if (only is not None and not fnmatch(rel, only)) or (skip is not None and fnmatch(rel, skip)):
            continue
        if is_learner_module(rel):
            raise ProjectError(f"course.yml: lab {lab.id} lists {rel} as a given file, but it holds an exercise: "
                               "leave it to the exercise cell that writes it.")
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reference() / rel, dest)
        copied.append(dest)
    importlib.invalidate_caches()  # new modules on the path must be found by this kernel's next import
    print(summary(lab.id, [p.relative_to(target).as_posix() for p in copied]))
    return copied


def summary(lab_id: str, files: list[str]) -> str:
    """One line per folder: what a lab gave the project (stable text: it is a checked output)."""
    by_folder: dict[str, list[str]] = {}
    for rel in files:
        folder, _, name = rel.rpartition("/")
        by_folder.setdefault("src/upi_kit" if folder.startswith("src/upi_kit") else folder or ".", []).append(name)
    lines = [f"Lab {lab_id} added {len(files)} given file(s) to project/:"]
    for folder, names in by_folder.items():
        if folder == "src/upi_kit":
            lines.append(f"  src/upi_kit/: the dataset, the story's constants and the paths ({len(names)} files)")
            continue
        shown = ", ".join(names) if len(names) <= 6 else ", ".join(names[:5]) + f" and {len(names) - 5} more"
        lines.append(f"  {'the project folder' if folder == '.' else folder + '/'}: {shown}")
    return "\n".join(lines)


def tree() -> None:
    """Print the workspace's project, folder by folder (✍ marks your modules; upi_kit and data are one line each)."""
    root = workspace.project_dir()
    learner = {rel for rel in reference_files() if is_learner_module(rel)}
    folders: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or any(part in _SKIPPED or part.startswith(".ci") for part in path.parts):
            continue
        folder, _, name = rel.rpartition("/")
        if folder.startswith(("src/upi_kit", "feature_repo/data")):
            top = "src/upi_kit" if folder.startswith("src/upi_kit") else "feature_repo/data"
            folders.setdefault(top, []).append(rel)
            continue
        folders.setdefault(folder, []).append(name + (" ✍" if rel in learner else ""))
    print("project/")
    for folder, names in folders.items():
        if folder == "src/upi_kit":
            print(f"  src/upi_kit/: the dataset, the story's constants, the paths ({len(names)} files, given)")
        elif folder == "feature_repo/data":
            print(f"  feature_repo/data/: parquet sources, registry and online store ({len(names)} files, made by runs)")
        else:
            print(f"  {folder + '/' if folder else ''}{': ' if folder else ''}{', '.join(names)}")


def importable(ws: Path | None = None) -> None:
    """Put the workspace's project first on this kernel's path (src/ and the Feast repo): the one path edit.

    Child processes get the same through PYTHONPATH (workspace.environment). Bytecode is not cached, so a
    re-run exercise cell is what the next reload runs.
    """
    project = (ws or workspace.root()) / "project"
    for root in reversed(IMPORT_ROOTS):
        path = str(project / root)
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)
    sys.dont_write_bytecode = True
    os.environ.update({"PYTHONPATH": workspace.environment()["PYTHONPATH"]})


def _forget(project: Path) -> dict[str, ModuleType]:
    """Take the project's own modules (upi_fraud, the Feast repo's) out of this process's import cache."""
    repo_modules = {f.stem for f in (project / "feature_repo").glob("*.py")}
    taken = {}
    for name in [n for n in sys.modules if n.split(".")[0] in {"upi_fraud", *repo_modules}]:
        file = getattr(sys.modules[name], "__file__", None) or ""
        if name.split(".")[0] == "upi_fraud" or "feature_repo" in file:
            taken[name] = sys.modules.pop(name)
    return taken


@contextmanager
def imported(ws: Path | None = None, project: Path | None = None) -> Iterator[Path]:
    """The workspace's project (or `project`, e.g. the reference) importable in this process (a test, a bench);
    yields the project folder.

    Another copy of `upi_fraud` imported earlier (the course's reference, another workspace's) is set aside
    first, so `import upi_fraud...` inside the block reads this project's files, and put back afterwards, so
    whoever imported it before still finds the modules it holds in sys.modules.
    """
    project = project or (ws or workspace.root()) / "project"
    paths = [str(project / root) for root in IMPORT_ROOTS]
    before = _forget(project)
    sys.path[:0] = paths
    try:
        yield project
    finally:
        for path in paths:
            sys.path.remove(path)
        _forget(project)
        sys.modules.update(before)


@dataclass(frozen=True)
class Excerpt:
    """A few lines of a project file, shown in a notebook with where they come from."""

    path: str
    name: str | None
    first: int
    last: int
    total: int
    code: str

    def header(self) -> str:
        what = f"`{self.name}`, lines {self.first}-{self.last}" if self.name else f"lines {self.first}-{self.last}"
        return f"project/{self.path}: {what} of {self.total}"

    def _repr_markdown_(self) -> str:
        return f"**{self.header()}**\n\n```python\n{self.code}\n```"

    def __repr__(self) -> str:
        return f"{self.header()}\n\n{self.code}"


def _names(node: ast.AST) -> list[str]:
    """The names a top-level statement defines: a function's, a class's, or an assignment's targets."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
    return [t.id for t in targets if isinstance(t, ast.Name)]


def _find(tree: ast.Module, name: str) -> ast.AST | None:
    """A top-level function, class or assigned name, or a method as 'Class.method'."""
    outer, _, inner = name.partition(".")
    for node in tree.body:
        if outer in _names(node):
            if not inner:
                return node
            return next((n for n in getattr(node, "body", []) if getattr(n, "name", None) == inner), None)
    return None


def show(path: str, name: str | None = None) -> Excerpt:
    """The source of one function, class or assigned name (or 'Class.method') of a project file in the workspace.

    With no name, the whole file (for short ones). The notebook shows the lines that matter; the rest is a
    click away in JupyterLab's file browser.
    """
    file = workspace.project_dir() / path
    if not file.is_file():
        raise ProjectError(f"project/{path} is not in your workspace: run this lab's set-up cell (it adds the "
                           "file), then this cell again.")
    text = file.read_text(encoding="utf-8")
    lines = text.splitlines()
    if name is None:
        return Excerpt(path, None, 1, len(lines), len(lines), text.rstrip("\n"))
    node = _find(ast.parse(text), name)
    if node is None:
        raise ProjectError(f"project/{path} has no function, class or name {name}.")
    decorators = getattr(node, "decorator_list", [])
    start = min([d.lineno for d in decorators] + [node.lineno])  # type: ignore[attr-defined]
    end = node.end_lineno or start  # type: ignore[attr-defined]
    return Excerpt(path, name, start, end, len(lines), "\n".join(lines[start - 1:end]))


def exercise_cell_text(path: str) -> str:
    """The exercise cell that writes a learner module: %%writefile and the reference file's text."""
    return WRITEFILE.format(path=path) + "\n" + (reference() / path).read_text(encoding="utf-8")
