"""The course chain's shared pieces: where executed notebooks go, how a lab is run, how a test gets a
completed lab. Fixtures live in conftest.py; test modules import these helpers."""

from __future__ import annotations

import papermill as pm
import pytest

from mlops_course import catchup, manifest, workspace

ROOT = workspace.course_root()
COURSE = manifest.load()
OUT = ROOT / "build" / "test-run"
LABS = [pytest.param(lab, id=lab.id) for lab in COURSE.labs]


def built_or_skip(lab):
    if not lab.built:
        pytest.skip(f"{lab.id} is planned in course.yml (status: planned), not built yet")


def execute(src, out, lab, cwd):
    """Run a notebook at the ci size; a cell that takes 3x the lab's whole ci budget is a hang, not a slow lab."""
    return pm.execute_notebook(
        str(src), str(out), parameters=lab.params("ci"), cwd=str(cwd), kernel_name="python3",
        progress_bar=False, execution_timeout=3 * lab.ci_seconds,
    )


def run_solution(lab):
    """Execute a lab's solution (catching up its prerequisites first), so any one lab's tests run alone."""
    catchup.require(*lab.requires, size="ci")
    out = OUT / "solutions" / lab.notebook
    nb = execute(ROOT / "solutions" / lab.notebook, out, lab, cwd=ROOT / "solutions")
    EXECUTED.add(lab.id)
    return nb, out


#: Labs executed in this session (build/test-run may hold notebooks from an earlier session).
EXECUTED: set[str] = set()




def completed_lab(course_ws, lab_id):
    """The lab, completed in the course workspace (caught up here if this test runs alone)."""
    lab = COURSE.lab(lab_id)
    built_or_skip(lab)
    catchup.require(lab.id, size="ci")
    return lab
