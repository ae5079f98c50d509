"""The exercise contract, over every solution notebook.

An exercise is written once, as a block in its solution notebook. Around it the
course promises: one checker with that id in the lab's exercises module, one
check cell right after the exercise that checks it (and nothing else), the
stub in the learner's lab, and hints that do not give the whole block away.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

import pytest

from mlops_course import labgen, notebooks, workspace
from mlops_course.checks import Exercise

ROOT = workspace.course_root()
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES_IMPORT = re.compile(r"^from mlops_course\.exercises import (lab\d+) as ex$", re.M)
CHECK_CALL = re.compile(r"\bex\.(\w+)\.check\(")


@cache
def solution(name: str) -> dict:
    return notebooks.read(ROOT / "solutions" / name)


def code_cells(name: str) -> list[str]:
    return [notebooks.source(c) for c in solution(name)["cells"] if c["cell_type"] == "code"]


def exercises_module(name: str):
    found = EXERCISES_IMPORT.findall("\n".join(code_cells(name)))
    assert len(found) == 1, f"{name} must import its checkers once: 'from mlops_course.exercises import labNN as ex'"
    return importlib.import_module(f"mlops_course.exercises.{found[0]}")


def checkers(module) -> dict[str, list[str]]:
    """Exercise id -> the module names bound to an Exercise with that id (distinct objects)."""
    seen: dict[int, tuple[str, str]] = {}
    for attr, value in vars(module).items():
        if isinstance(value, Exercise):
            seen.setdefault(id(value), (value.id, attr))
    out: dict[str, list[str]] = {}
    for ex_id, attr in seen.values():
        out.setdefault(ex_id, []).append(attr)
    return out


EXERCISES = [pytest.param(path.name, ex_id, id=ex_id) for path in SOLUTIONS
             for ex_id in notebooks.exercise_ids(notebooks.read(path))]
WITH_EXERCISES = sorted({p.values[0] for p in EXERCISES})

def checker_name(name: str, ex_id: str) -> str:
    names = checkers(exercises_module(name)).get(ex_id, [])
    assert len(names) == 1, f"exercise {ex_id} needs exactly one checker in {exercises_module(name).__name__}, found {names}"
    return names[0]


def test_the_course_has_exercises_and_their_ids_are_unique():
    ids = [p.values[1] for p in EXERCISES]
    assert ids, "no solution notebook has an exercise"
    assert len(ids) == len(set(ids)), f"an exercise id is used twice: {sorted(ids)}"


@pytest.mark.parametrize(("name", "ex_id"), EXERCISES)
def test_every_exercise_has_exactly_one_checker(name, ex_id):
    checker_name(name, ex_id)


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_every_checker_has_its_exercise_in_the_notebook(name):
    orphans = set(checkers(exercises_module(name))) - set(notebooks.exercise_ids(solution(name)))
    assert not orphans, f"checkers without a solution block in {name}: {sorted(orphans)}"


@pytest.mark.parametrize(("name", "ex_id"), EXERCISES)
def test_the_code_cell_right_after_an_exercise_checks_it_and_only_it(name, ex_id):
    cells = code_cells(name)
    at = next(i for i, src in enumerate(cells) if ex_id in [p.exercise_id for p in notebooks.parse(src)
                                                            if isinstance(p, notebooks.SolutionBlock)])
    in_cell = [p.exercise_id for p in notebooks.parse(cells[at]) if isinstance(p, notebooks.SolutionBlock)]
    assert at + 1 < len(cells), f"exercise {ex_id} needs a check cell after it"
    checked = set(CHECK_CALL.findall(cells[at + 1]))
    assert checked == {checker_name(name, x) for x in in_cell}, (
        f"the cell after exercise {ex_id} must call ex.{checker_name(name, ex_id)}.check(...) and no other check;"
        f" it checks {sorted(checked) or 'nothing'}"
    )


@pytest.mark.parametrize(("name", "ex_id"), EXERCISES)
def test_an_exercise_is_checked_in_one_cell_only(name, ex_id):
    call = f"ex.{checker_name(name, ex_id)}.check("
    assert sum(call in src for src in code_cells(name)) == 1, f"{call}...) should appear in exactly one cell"


@pytest.mark.parametrize(("name", "ex_id"), EXERCISES)
def test_the_learner_lab_has_the_stub_for_the_exercise(name, ex_id):
    lab = notebooks.read(ROOT / "labs" / name)
    code = [notebooks.source(c) for c in lab["cells"] if c["cell_type"] == "code"]
    stubs = sum(src.count(labgen.stub_for(ex_id, src)) for src in code)
    assert stubs == 1, f"labs/{name} should stub exercise {ex_id} exactly once; run `make labs`"


@pytest.mark.parametrize(("name", "ex_id"), EXERCISES)
def test_no_hint_gives_the_solution_away(name, ex_id):
    block = next(b for b in notebooks.solution_blocks(solution(name)) if b.exercise_id == ex_id)
    lines = [line.strip() for line in block.lines if line.strip()]
    hints = getattr(exercises_module(name), checker_name(name, ex_id)).hints
    held = [line for line in lines if any(line in step for step in hints)]
    assert len(held) < len(lines) / 2, f"the hints of {ex_id} hold {len(held)} of its {len(lines)} solution lines: {held}"
