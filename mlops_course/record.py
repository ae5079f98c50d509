"""Committed solution outputs, tied to everything that made them.

The stamp is a hash of what a solution's outputs depend on: its code cells, the bytes of every project
file it runs (the given files and learner modules of this lab and the labs before it, the dataset
generator and the story's constants in upi_kit among them) and the lock of the environment. It is stored
in the notebook's metadata when its outputs are recorded; a test fails when any of it changed and the
outputs were not re-recorded, so committed outputs are always real outputs of the current code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from . import workspace
from .notebooks import METADATA_KEY, BuildError, drop_volatile, read, source, write


def code_stamp(nb: dict[str, Any], inputs: list[Path] | None = None, root: Path | None = None) -> str:
    """Hash of the code cells' sources, in order, and of the input files' paths and bytes: what the outputs
    must have come from. `inputs` are relative to `root` (the course checkout); see `inputs_of`."""
    h = hashlib.sha256()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            h.update(source(cell).encode())
            h.update(b"\x00")
    base = root or workspace.course_root()
    for rel in inputs or []:
        h.update(rel.as_posix().encode() + b"\x00" + (base / rel).read_bytes() + b"\x00")
    return h.hexdigest()[:16]


def inputs_of(notebook: str, root: Path | None = None) -> list[Path]:
    """The files a solution's outputs depend on besides its cells, relative to the course checkout: the
    project files its lab and the labs before it put in the workspace (given files and the learner modules
    their exercise cells write), and requirements-lock.txt."""
    from .labgen import WRITEFILE_PREFIX
    from .manifest import load
    from .project import given_files

    base = root or workspace.course_root()
    course = load(base / "course.yml")
    number = next(lab.number for lab in course.labs if lab.notebook == notebook)
    files: set[str] = set()
    for lab in course.labs:
        if lab.number > number or not (base / "solutions" / lab.notebook).is_file():
            continue
        files.update(given_files(lab, base / "project"))
        for cell in read(base / "solutions" / lab.notebook)["cells"]:
            first = source(cell).partition("\n")[0]
            if cell["cell_type"] == "code" and first.startswith(WRITEFILE_PREFIX):
                files.add(first.removeprefix(WRITEFILE_PREFIX).strip())
    return [Path("project") / rel for rel in sorted(files)] + [Path("requirements-lock.txt")]


def stamp(notebook: str, nb: dict[str, Any] | None = None, root: Path | None = None) -> str:
    """The stamp a solution notebook's outputs must carry now (its cells, its inputs)."""
    base = root or workspace.course_root()
    nb = nb if nb is not None else read(base / "solutions" / notebook)
    return code_stamp(nb, inputs_of(notebook, base), base)


def stamp_of(nb: dict[str, Any]) -> str | None:
    """The stamp recorded with a notebook's outputs (None if they were never recorded)."""
    return nb.get("metadata", {}).get(METADATA_KEY, {}).get("code_stamp")


def record_outputs(solution_path: Path, executed_path: Path) -> None:
    """Copy an executed run's outputs into the solution notebook and stamp it.

    The executed notebook must come from the same code cells (papermill's
    injected-parameters cell, if any, is ignored). Papermill's metadata is dropped.
    """
    sol = read(solution_path)
    ran = read(executed_path)
    ran_cells = [c for c in ran["cells"] if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    if [source(c) for c in ran_cells] != [source(c) for c in sol["cells"]]:
        raise BuildError(f"{executed_path} was not executed from the current {solution_path.name}; run it again.")
    for cell, done in zip(sol["cells"], ran_cells, strict=True):
        if cell["cell_type"] == "code":
            cell["outputs"] = done.get("outputs", [])
            cell["execution_count"] = done.get("execution_count")
        drop_volatile(cell.get("metadata", {}))
    meta = sol.setdefault("metadata", {})
    drop_volatile(meta)
    meta[METADATA_KEY] = {"code_stamp": stamp(solution_path.name, sol, solution_path.parent.parent)}
    write(sol, solution_path)
