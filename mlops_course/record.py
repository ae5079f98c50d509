"""Committed solution outputs, tied to the code that made them.

The stamp is a hash of a solution's code cells, stored in its metadata when its
outputs are recorded; a test fails when code changed but outputs were not
re-recorded, so committed outputs are always real outputs of the current code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from .notebooks import METADATA_KEY, BuildError, drop_volatile, read, source, write


def code_stamp(nb: dict[str, Any]) -> str:
    """Hash of the code cells' sources, in order: what the outputs must have come from."""
    h = hashlib.sha256()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            h.update(source(cell).encode())
            h.update(b"\x00")
    return h.hexdigest()[:16]


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
    meta[METADATA_KEY] = {"code_stamp": code_stamp(sol)}
    write(sol, solution_path)
