"""Notebook files, and the solution blocks inside them.

Everything that reads a course notebook goes through here, so there is one
notion of "a cell's source" and one parser for the exercise markers. An
exercise's code is written once, in its solution notebook, between
`### BEGIN SOLUTION <id>` and `### END SOLUTION`: generating the lab, showing
`solution()` and checking the course's contract all read it from there.

Notebooks are handled as plain JSON (not nbformat objects) so that writing one
back changes nothing but what we meant to change.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import workspace
from .errors import CourseError

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION(?:[ \t]+(?P<id>[0-9]+\.[0-9]+))?[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
#: The course's key in notebook metadata (code stamp of solutions, provenance of labs).
METADATA_KEY = "mlops_course"
#: Metadata a run leaves behind that must never reach a committed notebook.
VOLATILE_METADATA = ("papermill", "execution", "widgets")


class BuildError(CourseError, ValueError):
    """A solution notebook breaks the authoring rules (maintainers see this, as one sentence)."""


def read(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def dumps(nb: dict[str, Any]) -> str:
    """Stable JSON, the way Jupyter writes it (indent 1, trailing newline), so diffs stay small."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def write(nb: dict[str, Any], path: Path) -> None:
    Path(path).write_text(dumps(nb), encoding="utf-8")


def source(cell: dict[str, Any]) -> str:
    """A cell's source as one string (Jupyter stores it as a list of lines or as a string)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def drop_volatile(metadata: dict[str, Any]) -> None:
    for key in VOLATILE_METADATA:
        metadata.pop(key, None)


@dataclass(frozen=True)
class SolutionBlock:
    """The learner's part of a cell: its exercise id, the marker's indent and the code lines between the markers."""

    exercise_id: str
    indent: str
    lines: tuple[str, ...]

    @property
    def code(self) -> str:
        """The block's code, dedented, as `solution()` shows it."""
        return textwrap.dedent("\n".join(self.lines)).strip("\n") + "\n"


def parse(text: str, where: str = "cell") -> list[str | SolutionBlock]:
    """A cell's lines, with each solution block gathered into one SolutionBlock (markers checked)."""
    out: list[str | SolutionBlock] = []
    block: tuple[str, str] | None = None  # (id, indent) while inside a block
    body: list[str] = []
    for line in text.splitlines():
        begin = BEGIN.match(line)
        if begin:
            if block:
                raise BuildError(f"{where}: '### BEGIN SOLUTION' inside another solution block.")
            if not begin.group("id"):
                raise BuildError(f"{where}: '### BEGIN SOLUTION' needs the exercise id, e.g. '### BEGIN SOLUTION 2.3'.")
            block, body = (begin.group("id"), begin.group("indent")), []
        elif END.match(line):
            if not block:
                raise BuildError(f"{where}: '### END SOLUTION' without a BEGIN.")
            out.append(SolutionBlock(block[0], block[1], tuple(body)))
            block = None
        elif block:
            body.append(line)
        else:
            out.append(line)
    if block:
        raise BuildError(f"{where}: a solution block is not closed with '### END SOLUTION'.")
    return out


def solution_blocks(nb: dict[str, Any]) -> list[SolutionBlock]:
    """Every solution block of a notebook, in order."""
    return [part for cell in nb["cells"] if cell["cell_type"] == "code"
            for part in parse(source(cell)) if isinstance(part, SolutionBlock)]


def exercise_ids(nb: dict[str, Any]) -> list[str]:
    return [block.exercise_id for block in solution_blocks(nb)]


def solution_code(exercise_id: str, root: Path | None = None) -> str:
    """The code of an exercise, read from the solution notebook that holds its block.

    Read at call time, so the notebook stays the one copy of every solution.
    Notebooks named for the exercise's lab (`02_*.ipynb` for "2.3") are read first.
    """
    folder = (root or workspace.course_root()) / "solutions"
    prefix = f"{int(exercise_id.split('.')[0]):02d}_"
    for path in sorted(folder.glob("*.ipynb"), key=lambda p: (not p.name.startswith(prefix), p.name)):
        for block in solution_blocks(read(path)):
            if block.exercise_id == exercise_id:
                return block.code
    raise BuildError(f"no notebook in {folder} has a solution block for exercise {exercise_id}.")


def printed_json(notebook: str, prefix: str, root: Path | None = None) -> dict[str, Any] | None:
    """The JSON a committed solution printed on a line starting with `prefix` (None if it printed none).

    A lab recorded at the default size prints the figures its story claims; tests read them here.
    """
    return printed_in(read((root or workspace.course_root()) / "solutions" / notebook), prefix)


def printed_in(nb: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    """The JSON a notebook's outputs printed on a line starting with `prefix` (None if they printed none)."""
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for line in "".join(out.get("text", "")).splitlines():
                if line.startswith(prefix):
                    return json.loads(line.removeprefix(prefix))
    return None
