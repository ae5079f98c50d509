"""How a learner's lab is generated from its solution notebook.

solutions/ is the source of truth for notebooks, and project/ for the project's files. First, every
exercise cell that writes a learner module (`%%writefile project/<path>`) is made the reference file's
text, so a cell and its file never drift. Then a learner's lab is the solution with each block between
`### BEGIN SOLUTION <id>` and `### END SOLUTION` replaced by a TODO and a stub that raises
ExerciseNotDone, outputs cleared, and cells tagged `solution-only` dropped. Labs are never edited by
hand: `build(check=True)` reports any lab (or exercise cell) that differs from what the build would write.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from . import notebooks, workspace
from .notebooks import BuildError, SolutionBlock

SOLUTION_ONLY_TAG = "solution-only"
IMPORT_LINE = "import mlops_course as mc"


def stub_line(exercise_id: str, in_project_file: bool, yaml_steps: bool = False) -> str:
    """The line that stands where the solution was.

    In a notebook cell it calls `mc.todo`, which stops Run All right there. In a cell that writes a
    project file (`%%writefile`), the line goes into the learner's file, which must not depend on the
    course: it raises NotImplementedError when the code runs, and the exercise's check turns that into
    the course's "not done yet".
    """
    if yaml_steps:  # a YAML project file (a workflow's steps): a step that fails, so the file still parses
        return (f"- run: 'echo \"NotImplementedError: Exercise {exercise_id} is not done yet: write these steps\"; "
                "exit 1'")
    if in_project_file:
        return f'raise NotImplementedError("Exercise {exercise_id} is not done yet: write this part of the file")'
    return f'mc.todo("{exercise_id}")'


def stub_for(exercise_id: str, text: str) -> str:
    """The stub line for an exercise in this cell's text: a YAML step in a YAML project file, else Python."""
    in_project_file = text.startswith("%%writefile")
    yaml_steps = in_project_file and text.partition("\n")[0].rstrip().endswith((".yml", ".yaml"))
    return stub_line(exercise_id, in_project_file, yaml_steps)


def stub_out(text: str, where: str = "cell") -> tuple[str, list[str]]:
    """Replace each solution block with a TODO and a stub; return new text and exercise ids."""
    out: list[str] = []
    ids: list[str] = []
    for part in notebooks.parse(text, where):
        if isinstance(part, SolutionBlock):
            out.append(f"{part.indent}# TODO exercise {part.exercise_id}: replace the next line with your code.")
            out.append(part.indent + stub_for(part.exercise_id, text))
            ids.append(part.exercise_id)
        else:
            out.append(part)
    result = "\n".join(out)
    if text.endswith("\n"):
        result += "\n"
    return result, ids


def _lab_cell(cell: dict[str, Any], where: str) -> dict[str, Any]:
    notebooks.drop_volatile(cell.get("metadata", {}))
    cell.pop("id", None)
    if cell["cell_type"] == "code":
        cell["source"] = stub_out(notebooks.source(cell), where=where)[0].splitlines(keepends=True)
        cell["outputs"] = []
        cell["execution_count"] = None
    else:
        cell.pop("outputs", None)
    return cell


def make_lab(solution: dict[str, Any], name: str = "notebook") -> dict[str, Any]:
    """The learner's notebook for a solution notebook."""
    nb = copy.deepcopy(solution)
    code = [notebooks.source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    if notebooks.exercise_ids(nb) and not any(IMPORT_LINE in src for src in code):
        raise BuildError(f"{name}: has exercises, so a code cell must '{IMPORT_LINE}' (the stubs call mc.todo).")
    nb["cells"] = [_lab_cell(cell, f"{name} cell {i}") for i, cell in enumerate(nb["cells"])
                   if SOLUTION_ONLY_TAG not in cell.get("metadata", {}).get("tags", [])]
    meta = nb.setdefault("metadata", {})
    notebooks.drop_volatile(meta)
    meta[notebooks.METADATA_KEY] = {"generated_from": f"solutions/{name}", "do_not_edit": "run `make labs` to regenerate"}
    nb["nbformat"], nb["nbformat_minor"] = 4, 4
    return nb


WRITEFILE_PREFIX = "%%writefile project/"


def _exercise_cell_problem(cell: dict[str, Any], reference: Path, check: bool, where: str) -> str | None:
    """Make one %%writefile cell its reference file's text (or, with check, say that it differs)."""
    first, _, body = notebooks.source(cell).partition("\n")
    rel = first.removeprefix(WRITEFILE_PREFIX).strip()
    file = reference / rel
    if not file.is_file():
        raise BuildError(f"{where} writes project/{rel}, which is not a file of the reference project: add "
                         f"project/{rel} to the course, or write another path.")
    text = file.read_text(encoding="utf-8")
    if "### BEGIN SOLUTION" not in text:
        raise BuildError(f"{where} writes project/{rel}, a given file: a lab copies given files (course.yml "
                         "project_files) and never writes them.")
    if body == text:
        return None
    if check:
        return f"{where}: its cell for project/{rel} differs from the reference file"
    cell["source"] = (first + "\n" + text).splitlines(keepends=True)
    return None


def sync_exercise_cells(root: Path | None = None, check: bool = False) -> list[str]:
    """Make every `%%writefile project/...` cell of solutions/ the reference file's text (project/<path>).

    A cell that writes a given file, or a file the reference lacks, is a BuildError. With check, returns the
    cells that differ from their file; without, rewrites them in place and says which notebooks changed.
    """
    base = root or workspace.course_root()
    problems: list[str] = []
    for sol in sorted((base / "solutions").glob("*.ipynb")):
        nb = notebooks.read(sol)
        before = notebooks.dumps(nb)
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and notebooks.source(cell).startswith(WRITEFILE_PREFIX):
                problem = _exercise_cell_problem(cell, base / "project", check, f"solutions/{sol.name}")
                if problem:
                    problems.append(problem)
        if not check and notebooks.dumps(nb) != before:
            notebooks.write(nb, sol)
            problems.append(f"synced exercise cells of solutions/{sol.name} with project/")
    return problems


def build(root: Path | None = None, check: bool = False) -> list[str]:
    """Write labs/ from solutions/ (or, with check, list labs that are stale or missing).

    The exercise cells are synced with the reference project first (sync_exercise_cells).
    """
    base = root or workspace.course_root()
    sol_dir, lab_dir = base / "solutions", base / "labs"
    problems: list[str] = sync_exercise_cells(base, check)
    expected = set()
    for sol in sorted(sol_dir.glob("*.ipynb")):
        expected.add(sol.name)
        text = notebooks.dumps(make_lab(notebooks.read(sol), sol.name))
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
