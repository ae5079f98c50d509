"""The course's reference project (project/): its files' text, and variants of its modules for the checks' tests.

The solution of every build exercise lives in a real file of the reference project, between solution markers
(labgen copies the exercise's module into the lab's exercise cell). A checker's test takes the right answer from
that file, and a typical wrong answer as the same file with one substitution, loaded as a module of its own: the
project's imports are absolute (`from upi_fraud.x import y`), so a variant resolves them to the reference package,
which pytest puts on sys.path (`pythonpath = ["project/src"]` in pyproject.toml).
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import os
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import ModuleType

from mlops_course import labgen, notebooks

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "project"
FEATURE_REPO = PROJECT / "feature_repo"
_names = itertools.count()


def path(rel: str) -> Path:
    """A reference file, by its path in the project (`src/upi_fraud/gate.py`, `feature_repo/on_demand.py`)."""
    return PROJECT / rel


def text(rel: str) -> str:
    """The text of a reference file, solution markers included."""
    return path(rel).read_text()


def function_text(rel: str, name: str) -> str:
    """The source of top-level function `name` in reference file `rel` (with its decorators)."""
    source = text(rel)
    node = next(n for n in ast.parse(source).body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name)
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return "\n".join(source.splitlines()[first - 1:node.end_lineno]) + "\n"


def block(rel: str, ex_id: str) -> notebooks.SolutionBlock:
    """The solution block of exercise `ex_id` in reference file `rel` (what solution() shows)."""
    return next(part for part in notebooks.parse(text(rel))
                if isinstance(part, notebooks.SolutionBlock) and part.exercise_id == ex_id)


def load(file: Path, name: str | None = None) -> ModuleType:
    """A Python file loaded as a new module (never cached in sys.modules under a package name).

    The module is registered in sys.modules under its own new name (file stem and a number, unless `name`
    is given and unused): pydantic and dataclasses look a class's module up there to resolve its annotations.
    """
    name = name if name and name not in sys.modules else f"{file.stem}_{next(_names)}"
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def substituted(rel: str, *substitutions: tuple[str, str]) -> str:
    """The text of reference file `rel` with each (old, new) substituted once or more, in order.

    An `old` that is not in the file fails the test: a substitution that changes nothing tests nothing.
    """
    source = text(rel)
    for old, new in substitutions:
        assert old in source, f"{old!r} is not in {rel}"
        source = source.replace(old, new)
    return source


def stubbed(rel: str) -> str:
    """Reference file `rel` as the generated lab leaves it: each solution block a stub raising NotImplementedError."""
    cell = f"{labgen.WRITEFILE_PREFIX}{rel}\n{text(rel)}"
    return labgen.stub_out(cell)[0].partition("\n")[2]


def variant(tmp_path: Path, rel: str, *substitutions: tuple[str, str]) -> ModuleType:
    """Reference file `rel` with each (old, new) substituted once or more, loaded as a module of its own.

    An `old` that is not in the file fails the test: a substitution that changes nothing tests nothing.
    """
    file = tmp_path / f"{Path(rel).stem}_{next(_names)}.py"
    file.write_text(substituted(rel, *substitutions))
    return load(file)


def lab_stub(tmp_path: Path, rel: str) -> ModuleType:
    """Reference file `rel` as the generated lab leaves it (see stubbed), loaded as a module of its own."""
    file = tmp_path / f"{Path(rel).stem}_stub_{next(_names)}.py"
    file.write_text(stubbed(rel))
    return load(file)


def feature_repo_copy(folder: Path, files: dict[str, str] | None = None) -> Path:
    """The reference Feast repo's Python files copied into `folder` (created), those named in `files`
    (file name -> text, e.g. {"payee_view.py": stubbed("feature_repo/payee_view.py")}) with that text instead.

    A check that imports a feature-repo module by name reads the copy inside `importable(folder)`; the
    copy's state.py points its sources at the copy's data/, as the reference's does at its own.
    """
    files = dict(files or {})
    unknown = set(files) - {p.name for p in FEATURE_REPO.glob("*.py")}
    assert not unknown, f"{sorted(unknown)} are not files of the reference Feast repo"
    folder.mkdir(parents=True, exist_ok=True)
    for file in FEATURE_REPO.glob("*.py"):
        (folder / file.name).write_text(files.get(file.name, file.read_text()))
    return folder


@contextmanager
def importable(folder: Path) -> Iterator[None]:
    """The Python files of `folder` importable by name, then forgotten.

    A module of the same name imported before is set aside meanwhile (so `import state` finds this folder's),
    and put back afterwards.
    """
    folder = folder.resolve()
    set_aside = {p.stem: sys.modules.pop(p.stem) for p in folder.glob("*.py") if p.stem in sys.modules}
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        inside = str(folder) + os.sep  # what a module imported from the folder has at the start of its __file__
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(inside):
                del sys.modules[name]
        sys.modules.update(set_aside)


def feature_repo_importable() -> AbstractContextManager[None]:
    """The reference Feast repo's modules importable by name (payee_view, on_demand, state...), then forgotten."""
    return importable(FEATURE_REPO)
