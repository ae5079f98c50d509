"""Catch-up and completion markers.

A learner who opens lab 05 first should be caught up, not punished: `require`
looks at which earlier labs have been completed in this workspace and runs the
missing ones' solution notebooks with papermill, in course order, with a
progress bar. `complete` is the last cell of every lab: it records what the lab
left behind, so catch-up and `status` know.

Catch-up needs what a lab leaves behind, not what it demonstrates: cells tagged
`catch-up-skip` (a fault injected to see a test fail, a UI opened and closed, a
test suite run to show its verdict) are left out of catch-up runs, never out of
a lab the learner opens, the tests' runs or a recording.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import workspace
from .errors import CourseError
from .manifest import Lab, Manifest, ManifestError
from .manifest import course as _course

#: Cell tag: a cell that only demonstrates, left out when a lab runs as another lab's prerequisite.
SKIP_TAG = "catch-up-skip"


class CatchUpError(CourseError, RuntimeError):
    """An earlier lab could not be run automatically."""


def marker_path(lab_id: str) -> Path:
    return workspace.completed_dir() / f"{lab_id}.json"


def is_complete(lab_id: str) -> bool:
    return marker_path(lab_id).is_file()


def completion(lab_id: str) -> dict[str, Any] | None:
    """The marker a lab left, or None."""
    p = marker_path(lab_id)
    if not p.is_file():
        return None
    try:
        return json.loads(p.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def complete(lab_id: str, manifest: Manifest | None = None, **produced: Any) -> None:
    """Record that a lab finished in this workspace, and what it produced.

    `produced` holds small, JSON-friendly facts (paths, model versions, sizes)
    that later labs and `status` can read. Printed as the lab's closing summary.
    """
    manifest = manifest or _course()
    lab = manifest.lab(lab_id)
    record = {
        "lab": lab.id,
        "title": lab.title,
        "completed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workspace": str(workspace.root()),
        "produced": {k: (workspace.relative(v) if isinstance(v, Path) else v) for k, v in produced.items()},
    }
    p = marker_path(lab.id)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2, default=str))
    tmp.replace(p)
    print(f"Lab {lab.id} is complete in your workspace.")
    for key, value in record["produced"].items():
        print(f"  {key}: {value}")


def status(manifest: Manifest | None = None) -> list[tuple[Lab, dict[str, Any] | None]]:
    """Each lab with its completion marker (or None)."""
    manifest = manifest or _course()
    return [(lab, completion(lab.id)) for lab in manifest.labs]


@dataclass
class _Run:
    lab: Lab
    seconds: float
    output: Path


def run_lab(
    lab: Lab,
    size: str = "ci",
    output_dir: Path | None = None,
    solutions_dir: Path | None = None,
    extra_parameters: dict[str, Any] | None = None,
    catching_up: bool = False,
) -> _Run:
    """Execute one lab's solution notebook with papermill in the current workspace (without its
    demonstration cells when `catching_up`)."""
    import papermill as pm

    src = (solutions_dir or workspace.course_root() / "solutions") / lab.notebook
    if not src.is_file():
        raise CatchUpError(f"Lab {lab.id} has no solution notebook at {src}; it cannot be run yet.")
    out_dir = output_dir or workspace.state_dir() / "runs"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / lab.notebook
    params = lab.params(size)
    params.update(extra_parameters or {})
    start = time.perf_counter()
    with workspace.using():  # the kernel inherits this process's environment, pointed at the workspace
        try:
            pm.execute_notebook(without_demos(src) if catching_up else str(src), str(out), parameters=params,
                                cwd=str(src.parent), kernel_name="python3", progress_bar=False, log_output=False)
        except pm.PapermillExecutionError as err:
            raise CatchUpError(
                f"Catch-up stopped: lab {lab.id} failed at cell {err.exec_count} with {err.ename}: {err.evalue}. "
                f"Open {out} to see where, or run that lab yourself."
            ) from None
    return _Run(lab, time.perf_counter() - start, out)


def without_demos(path: Path) -> Any:
    """The notebook at `path` without the cells tagged SKIP_TAG (an nbformat node papermill can execute)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if SKIP_TAG not in c.get("metadata", {}).get("tags", [])]
    return nb


def _sizes_agree(wanted: list[Lab], size: str) -> None:
    """Refuse to mix sizes: a lab compared with earlier labs' models must see data of the same size."""
    for lab in wanted:
        done = (completion(lab.id) or {}).get("produced", {}).get("data_size")
        try:  # a chain's size (course.yml `chains`) runs its labs at a DATA_SIZE of its own
            expected = str(lab.params(size).get("DATA_SIZE", size))
        except ManifestError:
            expected = size
        if done is not None and str(done) not in (size, expected):
            raise CatchUpError(
                f"Lab {lab.id} ran at data size '{done}' in this workspace, but this run asks for '{size}': set "
                f"DATA_SIZE = '{done}' in the parameters cell, or start afresh with `python -m mlops_course reset`."
            )


def project_files(lab: Lab, solutions_dir: Path | None = None) -> dict[Path, str]:
    """The files a lab's solution writes into the workspace (`%%writefile` cells), with their text."""
    from .notebooks import read, source

    nb = read((solutions_dir or workspace.course_root() / "solutions") / lab.notebook)
    places = {"{PROJECT}": workspace.project_dir(), "{REPO}": workspace.feature_repo_dir()}
    files = {}
    for cell in nb["cells"]:
        first, _, body = source(cell).partition("\n")
        if cell["cell_type"] == "code" and first.startswith("%%writefile "):
            target = first.split(maxsplit=1)[1].strip()
            for name, folder in places.items():
                target = target.replace(name, str(folder))
            files[workspace.root() / target] = body
    return files


def _never_overwrite_the_learner(labs: list[Lab], solutions_dir: Path | None) -> None:
    """Catch-up runs reference solutions, which write project files: stop before replacing one the learner wrote."""
    for lab in labs:
        for path, text in project_files(lab, solutions_dir).items():
            if path.is_file() and path.read_text() != text:
                raise CatchUpError(
                    f"Catching up lab {lab.id} would replace {workspace.relative(path)}, which you wrote: finish "
                    f"lab {lab.id} yourself, or move that file aside, then run this cell again."
                )


def require(
    *lab_ids: str,
    size: str | None = None,
    manifest: Manifest | None = None,
    solutions_dir: Path | None = None,
) -> list[str]:
    """Make sure the given labs (and everything they need) are complete in this workspace.

    Missing labs are run from their solution notebooks, in course order, with a
    progress bar and one line per lab. Returns the ids that were run. `size` is
    the data size for the runs: labs pass their own DATA_SIZE, so a lab and the labs it
    builds on see the same data (else MLOPS_CATCHUP_SIZE, else 'ci'). Completed labs of
    another size, and project files the learner wrote, stop catch-up with one sentence.
    """
    from tqdm import tqdm  # plain text bar: works in Jupyter, papermill and a terminal alike

    manifest = manifest or _course()
    size = size or os.environ.get("MLOPS_CATCHUP_SIZE", "ci")
    wanted: list[Lab] = []
    for lab_id in lab_ids:
        for lab in [*manifest.prerequisites(lab_id), manifest.lab(lab_id)]:
            if lab not in wanted:
                wanted.append(lab)
    wanted.sort(key=lambda lab: lab.number)
    _sizes_agree(wanted, size)
    missing = [lab for lab in wanted if not is_complete(lab.id)]
    if not missing:
        names = ", ".join(lab.id for lab in wanted) or "nothing"
        print(f"Prerequisites complete in this workspace: {names}.")
        return []
    not_built = [lab for lab in missing if not lab.built]
    if not_built:
        raise CatchUpError(f"Lab {not_built[0].id} is not built yet, so it cannot be caught up.")
    _never_overwrite_the_learner(missing, solutions_dir)
    print(f"Catching up: running {len(missing)} earlier lab(s) at size '{size}' in your workspace.")
    ran = []
    bar = tqdm(missing, desc="catch-up", unit="lab", file=sys.stdout, leave=True)
    for lab in bar:
        bar.set_postfix_str(lab.id)
        try:
            run = run_lab(lab, size=size, solutions_dir=solutions_dir, catching_up=True)
        except ManifestError as err:
            raise CatchUpError(str(err)) from None
        if not is_complete(lab.id):
            raise CatchUpError(f"Lab {lab.id} ran but did not record completion; its last cell must call complete().")
        bar.write(f"  ran {lab.id} ({lab.title}) in {run.seconds:.0f} s")
        ran.append(lab.id)
    bar.close()
    return ran
