"""Generate labs/ from solutions/, and stamp solution outputs to their code.

solutions/ is the source of truth. A learner's lab is the solution with each
block between `### BEGIN SOLUTION <id>` and `### END SOLUTION` replaced by a
TODO and a stub that raises ExerciseNotDone, outputs cleared, and cells tagged
`solution-only` dropped. Labs are never edited by hand: `check()` reports any
lab that differs from what the build would write.

The stamp is a hash of a solution's code cells, stored in its metadata when its
outputs are recorded; a test fails when code changed but outputs were not
re-recorded, so committed outputs are always real outputs of the current code.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from . import workspace

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION(?:[ \t]+(?P<id>[0-9]+\.[0-9]+))?[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
SOLUTION_ONLY_TAG = "solution-only"
STAMP_KEY = "mlops_course"
_VOLATILE_METADATA = ("papermill", "execution", "widgets")


class BuildError(ValueError):
    """A solution notebook breaks the authoring rules."""


def read(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def dumps(nb: dict[str, Any]) -> str:
    """Stable JSON, the way Jupyter writes it (indent 1, trailing newline)."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write(nb: dict[str, Any], path: Path) -> None:
    Path(path).write_text(dumps(nb), encoding="utf-8")


def source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _as_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def code_stamp(nb: dict[str, Any]) -> str:
    """Hash of the code cells' sources, in order: what the outputs must have come from."""
    h = hashlib.sha256()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            h.update(source(cell).encode())
            h.update(b"\x00")
    return h.hexdigest()[:16]


def stub_out(text: str, where: str = "cell") -> tuple[str, list[str]]:
    """Replace each solution block with a TODO and a stub; return new text and exercise ids."""
    out: list[str] = []
    ids: list[str] = []
    inside = False
    for line in text.splitlines():
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise BuildError(f"{where}: '### BEGIN SOLUTION' inside another solution block.")
            ex_id = begin.group("id")
            if not ex_id:
                raise BuildError(f"{where}: '### BEGIN SOLUTION' needs the exercise id, e.g. '### BEGIN SOLUTION 2.3'.")
            ind = begin.group("indent")
            out.append(f"{ind}# TODO exercise {ex_id}: replace the next line with your code.")
            out.append(f'{ind}mc.todo("{ex_id}")')
            ids.append(ex_id)
            inside = True
        elif END.match(line):
            if not inside:
                raise BuildError(f"{where}: '### END SOLUTION' without a BEGIN.")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise BuildError(f"{where}: a solution block is not closed with '### END SOLUTION'.")
    result = "\n".join(out)
    if text.endswith("\n"):
        result += "\n"
    return result, ids


IMPORT_LINE = "import mlops_course as mc"


def make_lab(solution: dict[str, Any], name: str = "notebook") -> dict[str, Any]:
    """The learner's notebook for a solution notebook."""
    nb = copy.deepcopy(solution)
    if exercise_ids(nb) and not any(IMPORT_LINE in source(c) for c in nb["cells"] if c["cell_type"] == "code"):
        raise BuildError(f"{name}: has exercises, so a code cell must '{IMPORT_LINE}' (the stubs call mc.todo).")
    cells = []
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_ONLY_TAG in tags:
            continue
        for key in _VOLATILE_METADATA:
            cell.get("metadata", {}).pop(key, None)
        cell.pop("id", None)
        if cell["cell_type"] == "code":
            new_src, _ = stub_out(source(cell), where=f"{name} cell {i}")
            cell["source"] = _as_lines(new_src)
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
        cells.append(cell)
    nb["cells"] = cells
    meta = nb.setdefault("metadata", {})
    for key in (*_VOLATILE_METADATA, STAMP_KEY):
        meta.pop(key, None)
    meta[STAMP_KEY] = {"generated_from": f"solutions/{name}", "do_not_edit": "run `make labs` to regenerate"}
    nb["nbformat"], nb["nbformat_minor"] = 4, 4
    return nb


def exercise_ids(solution: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    for cell in solution["cells"]:
        if cell["cell_type"] == "code":
            ids += stub_out(source(cell))[1]
    return ids


def _dirs(root: Path | None) -> tuple[Path, Path]:
    base = root or workspace.course_root()
    return base / "solutions", base / "labs"


def build(root: Path | None = None, check: bool = False) -> list[str]:
    """Write labs/ from solutions/ (or, with check, list labs that are stale or missing)."""
    sol_dir, lab_dir = _dirs(root)
    problems: list[str] = []
    expected = set()
    for sol in sorted(sol_dir.glob("*.ipynb")):
        expected.add(sol.name)
        text = dumps(make_lab(read(sol), sol.name))
        target = lab_dir / sol.name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if check:
            problems.append(f"labs/{sol.name} is {'missing' if current is None else 'stale'}")
        else:
            lab_dir.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
            problems.append(f"wrote labs/{sol.name}")
    for extra in sorted(lab_dir.glob("*.ipynb")):
        if extra.name not in expected:
            if check:
                problems.append(f"labs/{extra.name} has no solution notebook")
            else:
                extra.unlink()
                problems.append(f"removed labs/{extra.name}")
    return problems


def stamp_of(nb: dict[str, Any]) -> str | None:
    return nb.get("metadata", {}).get(STAMP_KEY, {}).get("code_stamp")


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
        for key in _VOLATILE_METADATA:
            cell.get("metadata", {}).pop(key, None)
    meta = sol.setdefault("metadata", {})
    for key in _VOLATILE_METADATA:
        meta.pop(key, None)
    meta[STAMP_KEY] = {"code_stamp": code_stamp(sol)}
    write(sol, solution_path)


MAP_START = "<!-- course-map:start (generated from course.yml by `make labs`) -->"
MAP_END = "<!-- course-map:end -->"


def course_map(manifest: Any) -> str:
    """The README's course map, as a Markdown table, from the manifest."""
    rows = [
        "| lab | title | layer | tools | minutes | status |",
        "| --- | --- | --- | --- | ---: | --- |",
    ]
    for lab in manifest.labs:
        link = f"[{lab.id}](labs/{lab.notebook})" if lab.built else lab.id
        status = "ready" if lab.built else "coming next"
        rows.append(f"| {link} | {lab.title} | {lab.layer} | {', '.join(lab.tools)} | {lab.minutes} | {status} |")
    total = sum(lab.minutes for lab in manifest.labs)
    rows.append(f"\nAbout {total / 60:.0f} hours in all; each lab states its own objectives and time.")
    return "\n".join(rows)


def update_readme(root: Path | None = None, check: bool = False) -> list[str]:
    """Refresh the course map between the README's markers (or report that it is stale)."""
    from .manifest import load

    base = root or workspace.course_root()
    readme = base / "README.md"
    text = readme.read_text(encoding="utf-8")
    if MAP_START not in text or MAP_END not in text:
        return ["README.md has no course-map markers"]
    head, rest = text.split(MAP_START, 1)
    _, tail = rest.split(MAP_END, 1)
    new = f"{head}{MAP_START}\n{course_map(load(base / 'course.yml'))}\n{MAP_END}{tail}"
    if new == text:
        return []
    if check:
        return ["README.md course map is stale"]
    readme.write_text(new, encoding="utf-8")
    return ["updated the README course map"]


def written_file(notebook: str, filename: str, root: Path | None = None) -> str:
    """The text a solution notebook writes into the learner's project with `%%writefile {PROJECT}/<filename>`
    (or `{REPO}/<filename>`), so tests and benches run exactly the code a learner sees."""
    nb = read((root or workspace.course_root()) / "solutions" / notebook)
    for cell in nb["cells"]:
        first, _, body = source(cell).partition("\n")
        if first.startswith("%%writefile ") and first.endswith(f"/{filename}"):
            return body
    raise BuildError(f"solutions/{notebook} has no %%writefile cell for {filename}.")
