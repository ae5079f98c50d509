"""What a learner reads and writes per lab: code given as files or cells, code they write, the longest cell.

Usage: .venv/bin/python tools/lab_shape.py [--rev GIT_REVISION]

Counts non-blank lines. "Given in cells" is the text of `%%writefile` cells outside solution blocks (how the
project was handed over before it lived in project/); "given as files" is what a lab copies from the reference
project (course.yml `project_files`), src/upi_kit/ (the dataset generator, 1.9k lines) aside; "learner writes" is the lines inside solution blocks; "longest cell" is the
longest code cell of the learner's notebook (labs/). "Code lines" counts the solution blocks' lines of code only
(no blank, comment or docstring line), and "build exercises" the exercises with 5 to 40 of them (issue 25's bar).
With --rev, the notebooks and course.yml of that revision; --exercises lists each exercise's code lines.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import tokenize
from collections import Counter
from pathlib import Path

import yaml

from mlops_course import notebooks
from mlops_course.manifest import Manifest
from mlops_course.project import given_files

ROOT = Path(__file__).resolve().parents[1]


def _read(rel: str, rev: str | None) -> str:
    if rev is None:
        return (ROOT / rel).read_text()
    return subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def _nonblank(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _solution_lines(text: str) -> int:
    return sum(_nonblank("\n".join(p.lines)) for p in notebooks.parse(text) if isinstance(p, notebooks.SolutionBlock))


def code_lines(code: str) -> int:
    """Lines of code in a block: not blank, not only a comment, not part of a docstring (a bare string statement)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):  # YAML or a fragment: non-blank, non-comment lines
        return sum(1 for line in code.splitlines() if line.strip() and not line.strip().startswith("#"))
    docstrings: set[int] = set()
    before = tokenize.NEWLINE
    for tok in tokens:
        if tok.type == tokenize.STRING and before in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            docstrings.update(range(tok.start[0], tok.end[0] + 1))
        if tok.type not in (tokenize.COMMENT, tokenize.NL):
            before = tok.type
    return sum(1 for number, line in enumerate(code.splitlines(), start=1)
               if line.strip() and not line.strip().startswith("#") and number not in docstrings)


def exercise_code_lines(notebook: str, rev: str | None) -> dict[str, int]:
    """Each exercise's code lines, over all its solution blocks in the solution notebook."""
    found: Counter[str] = Counter()
    for cell in json.loads(_read(f"solutions/{notebook}", rev))["cells"]:
        if cell["cell_type"] == "code":
            for part in notebooks.parse(notebooks.source(cell)):
                if isinstance(part, notebooks.SolutionBlock):
                    found[part.exercise_id] += code_lines(part.code)
    return dict(found)


def lab_figures(notebook: str, lab: object, rev: str | None) -> dict[str, int]:
    sol = json.loads(_read(f"solutions/{notebook}", rev))
    lab_nb = json.loads(_read(f"labs/{notebook}", rev))
    in_cells = learner = 0
    for cell in sol["cells"]:
        text = notebooks.source(cell)
        if cell["cell_type"] != "code":
            continue
        learner += _solution_lines(text)
        if text.startswith("%%writefile"):  # the cell's line, the learner's blocks and their markers aside
            blocks = sum(1 for p in notebooks.parse(text) if isinstance(p, notebooks.SolutionBlock))
            in_cells += _nonblank(text) - 1 - _solution_lines(text) - 2 * blocks
    as_files = 0
    if rev is None and getattr(lab, "project_files", None):
        as_files = sum(_nonblank((ROOT / "project" / rel).read_text()) for rel in given_files(lab)
                       if not rel.startswith("src/upi_kit/"))  # the dataset generator: not read in the labs
    longest = max((_nonblank(notebooks.source(c)) for c in lab_nb["cells"] if c["cell_type"] == "code"), default=0)
    per_exercise = exercise_code_lines(notebook, rev)
    return {"given_in_cells": in_cells, "given_as_files": as_files, "learner_writes": learner, "longest_cell": longest,
            "code_lines": sum(per_exercise.values()), "build_exercises": sum(5 <= n <= 40 for n in per_exercise.values()),
            "exercises": per_exercise}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="a git revision (default: the working tree)")
    parser.add_argument("--exercises", action="store_true", help="also list each exercise's code lines")
    args = parser.parse_args()
    course = Manifest.model_validate(yaml.safe_load(_read("course.yml", args.rev)))
    print(f"{'lab':<24} {'given in cells':>14} {'given as files':>14} {'learner writes':>14} {'longest cell':>12} "
          f"{'code lines':>10} {'build exercises':>15}")
    for lab in course.labs:
        f = lab_figures(lab.notebook, lab, args.rev)
        print(f"{lab.id:<24} {f['given_in_cells']:>14} {f['given_as_files']:>14} {f['learner_writes']:>14} "
              f"{f['longest_cell']:>12} {f['code_lines']:>10} {f['build_exercises']:>15}")
        if args.exercises:
            print("    " + ", ".join(f"{ex_id}: {n}" for ex_id, n in sorted(f["exercises"].items())))


if __name__ == "__main__":
    main()
