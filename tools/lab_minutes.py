"""How long each lab takes a learner, estimated from what is in it: reading, writing and waiting.

Usage: .venv/bin/python tools/lab_minutes.py [--sections] [--write-kit]

Per lab (and, with --sections, per `## ` section of the solution notebook):
  reading  the prose (markdown words at READ_WORDS_PER_MINUTE) and the code the learner reads: the code cells
           that are not exercises and the excerpts `mc.project.show` prints (non-blank lines at
           READ_CODE_LINES_PER_MINUTE);
  writing  each exercise: EXERCISE_MINUTES to read the task, run the check and fix one mistake, plus
           WRITE_MINUTES_PER_LINE per line of code in its solution (tools/lab_shape.py's code lines);
  running  Run All at the default size on 2 cores (RUN_SECONDS, measured; the learner waits for it once).
The lab's minutes are the sum, rounded up to 5: course.yml's `minutes` must equal them (a unit test checks),
and the README's course map shows them. The rates are a teacher's assumptions, stated here so they can be
argued with; the inputs are counted from the notebooks. --write-kit rewrites each lab's plan (a table of its
sections with their minutes) in docs/instructors.md, between the lab's plan markers; a unit test checks the
plans there are the ones this file computes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import yaml

from mlops_course import notebooks
from mlops_course.manifest import Manifest

ROOT = Path(__file__).resolve().parents[1]


def _lab_shape() -> ModuleType:
    """tools/lab_shape.py, beside this file (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("lab_shape", Path(__file__).with_name("lab_shape.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


code_lines = _lab_shape().code_lines

READ_WORDS_PER_MINUTE = 150  # technical prose, with tables and figures to look at
READ_CODE_LINES_PER_MINUTE = 10  # code read to understand it, not skimmed
EXERCISE_MINUTES = 3  # read the task, run the check, fix one mistake
WRITE_MINUTES_PER_LINE = 1.0  # a line of code written and thought through

#: Run All at the default size, in seconds, on 2 cores: `python -m mlops_course record --size default
#: 05-ci-for-ml 06-monitoring 07-capstone` (2026-12-07, the run whose outputs are committed), which runs 00-04 in
#: full as prerequisites first.
RUN_SECONDS = {
    "00-setup": 12,
    "01-problem-and-data": 12,
    "02-experiment-tracking": 75,
    "03-feature-store": 92,
    "04-model-serving": 160,
    "05-ci-for-ml": 512,
    "06-monitoring": 195,
    "07-capstone": 595,
}


@dataclass
class Part:
    """One section's (or lab's) counts."""

    title: str
    words: int = 0
    code_to_read: int = 0
    exercises: dict[str, int] = field(default_factory=dict)  # exercise id -> code lines

    @property
    def reading(self) -> float:
        return self.words / READ_WORDS_PER_MINUTE + self.code_to_read / READ_CODE_LINES_PER_MINUTE

    @property
    def writing(self) -> float:
        return sum(EXERCISE_MINUTES + WRITE_MINUTES_PER_LINE * n for n in self.exercises.values())


def _words(markdown: str) -> int:
    text = re.sub(r"\(https?://[^)]*\)", "", markdown)  # a link's address is not read
    return len(re.findall(r"[\w₹'’.-]+", text))


def _shown_lines(cell: dict) -> int:
    """The code lines an `mc.project.show` cell prints (its markdown excerpt's fenced block)."""
    lines = 0
    for out in cell.get("outputs", []):
        text = "".join(out.get("data", {}).get("text/markdown", ""))
        lines += sum(1 for line in text.splitlines() if line.strip() and not line.startswith(("```", "**")))
    return lines


def sections(notebook: str) -> list[Part]:
    """The solution notebook's parts: its introduction, then one per `## ` heading."""
    parts = [Part("introduction")]
    for cell in json.loads((ROOT / "solutions" / notebook).read_text())["cells"]:
        text = notebooks.source(cell)
        if cell["cell_type"] == "markdown":
            heading = next((line for line in text.splitlines() if line.startswith("## ")), None)
            if heading:
                parts.append(Part(heading.removeprefix("## ").strip()))
            parts[-1].words += _words(text)
            continue
        blocks = [p for p in notebooks.parse(text) if isinstance(p, notebooks.SolutionBlock)]
        for block in blocks:
            parts[-1].exercises[block.exercise_id] = parts[-1].exercises.get(block.exercise_id, 0) + code_lines(
                block.code)
        if not blocks and not text.startswith("%%writefile"):
            parts[-1].code_to_read += sum(1 for line in text.splitlines()
                                          if line.strip() and not line.strip().startswith("# NBVAL"))
        if "mc.project.show(" in text:
            parts[-1].code_to_read += _shown_lines(cell)
    return parts


def estimate(lab_id: str, notebook: str) -> dict[str, float]:
    """A lab's reading, writing and running minutes, and the total rounded up to 5."""
    parts = sections(notebook)
    reading, writing = sum(p.reading for p in parts), sum(p.writing for p in parts)
    running = RUN_SECONDS[lab_id] / 60
    return {"reading": reading, "writing": writing, "running": running,
            "minutes": 5 * math.ceil((reading + writing + running) / 5)}


KIT = ROOT / "docs" / "instructors.md"
PLAN_START, PLAN_END = "<!-- plan {lab_id}: generated by tools/lab_minutes.py --write-kit -->", "<!-- plan end -->"


def plan(lab_id: str, notebook: str) -> str:
    """A lab's plan for an instructor: its sections with their minutes (reading and writing), then Run All."""
    e = estimate(lab_id, notebook)
    rows = ["| section | read | write | exercises |", "| --- | ---: | ---: | --- |"]
    for part in sections(notebook):
        if round(part.reading + part.writing) == 0:
            continue
        exercises = ", ".join(f"{x} ({n} lines)" for x, n in part.exercises.items())
        rows.append(f"| {part.title} | {part.reading:.0f} | {part.writing:.0f} | {exercises} |")
    rows.append(f"\nRun All at the default size waits {e['running']:.1f} minutes in all. Reading {e['reading']:.0f}"
                f" + writing {e['writing']:.0f} + running {e['running']:.0f} minutes: **{e['minutes']:.0f} minutes** "
                "(rounded up to 5; course.yml's `minutes`).")
    return "\n".join(rows)


def write_kit(course: Manifest, path: Path = KIT) -> bool:
    """Put each lab's plan between its markers in the kit; True if the file changed."""
    text = before = path.read_text()
    for lab in course.labs:
        start = PLAN_START.format(lab_id=lab.id)
        if start not in text:
            raise SystemExit(f"{path.name} has no plan marker for {lab.id}: add the line {start!r}, then {PLAN_END!r}")
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(PLAN_END)
        text = f"{head}{start}\n{plan(lab.id, lab.notebook)}\n{PLAN_END}{tail}"
    path.write_text(text)
    return text != before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", action="store_true", help="also each section's reading and writing minutes")
    parser.add_argument("--write-kit", action="store_true", help="rewrite the plans in docs/instructors.md")
    args = parser.parse_args()
    course = Manifest.model_validate(yaml.safe_load((ROOT / "course.yml").read_text()))
    if args.write_kit:
        print(f"{KIT.relative_to(ROOT)}: {'updated' if write_kit(course) else 'already up to date'}")
        return
    print(f"{'lab':<24} {'reading':>8} {'writing':>8} {'running':>8} {'estimate':>9} {'course.yml':>11}")
    for lab in course.labs:
        e = estimate(lab.id, lab.notebook)
        print(f"{lab.id:<24} {e['reading']:>8.0f} {e['writing']:>8.0f} {e['running']:>8.1f} {e['minutes']:>9.0f} "
              f"{lab.minutes:>11}")
        if args.sections:
            for part in sections(lab.notebook):
                exercises = ", ".join(f"{x}: {n} lines" for x, n in part.exercises.items())
                print(f"    {part.title[:60]:<60} read {part.reading:4.0f}  write {part.writing:4.0f}"
                      + (f"  ({exercises})" if exercises else ""))


if __name__ == "__main__":
    main()
