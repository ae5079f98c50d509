"""docs/instructors.md, the instructor kit: its plans and minutes are the ones tools/lab_minutes.py computes, and
every place where learners get stuck quotes what a check really says."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from mlops_course.manifest import course

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "docs" / "instructors.md"
LABS = course().labs


def _tool():
    spec = importlib.util.spec_from_file_location("lab_minutes", ROOT / "tools" / "lab_minutes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _lab_part(lab_id: str) -> str:
    """The kit's text for one lab: from its heading to the next lab's (or the rubric)."""
    text = KIT.read_text()
    start = text.index(f"## Lab {lab_id[:2]} · ")
    following = [m.start() for m in re.finditer(r"^## ", text, flags=re.M) if m.start() > start]
    return text[start:following[0] if following else len(text)]


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_each_labs_plan_is_the_one_the_tool_computes(lab):
    tool = _tool()
    start = tool.PLAN_START.format(lab_id=lab.id)
    block = _lab_part(lab.id).partition(start)[2].partition(tool.PLAN_END)[0].strip()
    assert block == tool.plan(lab.id, lab.notebook), "run python tools/lab_minutes.py --write-kit"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_course_yml_minutes_are_the_estimate(lab):
    assert lab.minutes == _tool().estimate(lab.id, lab.notebook)["minutes"], (
        "course.yml's minutes must be tools/lab_minutes.py's estimate (then make labs for the README's map)")


def test_the_tool_has_a_measured_run_time_for_every_lab():
    assert set(_tool().RUN_SECONDS) == {lab.id for lab in LABS}


def _check_sources() -> str:
    return "".join(p.read_text() for p in sorted((ROOT / "mlops_course" / "exercises").glob("*.py")))


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_three_stuck_points_per_lab_each_quoting_its_check(lab):
    part = _lab_part(lab.id)
    stuck = part.partition("**Where learners get stuck**")[2].partition("**Discussion prompts**")[0]
    points = re.findall(r"^\d\. \*\*(\d\.\d)\*\* .*?“(.+?)”", stuck, flags=re.M)
    assert len(points) == 3, f"lab {lab.id}: three stuck points, each '1. **N.M** ... “quote”': {stuck!r}"
    sources = _check_sources()
    for exercise_id, quote in points:
        assert exercise_id.startswith(lab.id[1]), f"{exercise_id} is not an exercise of lab {lab.id}"
        assert quote in sources, f"lab {lab.id}: “{quote}” is not what any check says (mlops_course/exercises/)"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_two_or_three_discussion_prompts_per_lab(lab):
    prompts = _lab_part(lab.id).partition("**Discussion prompts**")[2]
    assert 2 <= len(re.findall(r"^- ", prompts, flags=re.M)) <= 3


def test_the_rubric_grades_the_export_with_a_gate_and_levels():
    rubric = KIT.read_text().partition("## Rubric: the exported capstone project")[2]
    rows = re.findall(r"^\| \d\. ", rubric, flags=re.M)
    assert len(rows) >= 6 and "make ci" in rubric and "a pass is 2 or more on every criterion" in rubric


def test_the_readme_points_instructors_at_the_kit():
    assert "docs/instructors.md" in (ROOT / "README.md").read_text()
