"""End to end: every built lab runs, repeats, and shows learners the right first stop.

1. papermill executes each built solution in course order on one fresh
   temporary workspace with the `ci` parameters from course.yml (executed
   notebooks are kept under build/test-run/ for inspection);
2. nbval (--nbval-lax) re-executes each executed notebook with the same injected
   parameters on the same workspace and compares the `# NBVAL_CHECK_OUTPUT`
   cells: the lab repeats and survives a second run on its own state;
3. each generated labs/ notebook runs until its first exercise stub and stops
   there with the course's ExerciseNotDone, and nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import papermill as pm
import pytest

from mlops_course import build, manifest, workspace

ROOT = workspace.course_root()
COURSE = manifest.load()
OUT = ROOT / "build" / "test-run"
LABS = [pytest.param(lab, id=lab.id) for lab in COURSE.labs]

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def course_ws(tmp_path_factory):
    """One workspace for the whole course run, as a learner would have."""
    path = tmp_path_factory.mktemp("course") / "workspace"
    old = os.environ.get("MLOPS_WORKSPACE")
    os.environ["MLOPS_WORKSPACE"] = str(path)
    os.environ["MLOPS_CATCHUP_SIZE"] = "ci"
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "solutions").mkdir(parents=True)
    (OUT / "labs").mkdir(parents=True)
    yield path
    if old is None:
        os.environ.pop("MLOPS_WORKSPACE", None)
    else:
        os.environ["MLOPS_WORKSPACE"] = old


def built_or_skip(lab):
    if not lab.built:
        pytest.skip(f"{lab.id} is planned in course.yml (status: planned), not built yet")


def execute(src, out, lab, cwd):
    return pm.execute_notebook(
        str(src), str(out), parameters=lab.params("ci"), cwd=str(cwd), kernel_name="python3",
        progress_bar=False, execution_timeout=900,
    )


@pytest.mark.parametrize("lab", LABS)
def test_solution_runs_end_to_end_at_ci_size(lab, course_ws):
    built_or_skip(lab)
    for req in lab.requires:
        marker = course_ws / ".course" / "completed" / f"{req}.json"
        assert marker.exists(), f"{req} should have completed earlier in this run"
    out = OUT / "solutions" / lab.notebook
    nb = execute(ROOT / "solutions" / lab.notebook, out, lab, cwd=ROOT / "solutions")
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert (course_ws / ".course" / "completed" / f"{lab.id}.json").exists(), "the lab did not record completion"


@pytest.mark.parametrize("lab", LABS)
def test_solution_repeats_under_nbval(lab, course_ws):
    built_or_skip(lab)
    executed = OUT / "solutions" / lab.notebook
    assert executed.exists(), "the end-to-end run of this lab failed; see the test above"
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-o", "addopts=", "--rootdir", str(OUT), "-q", str(executed)],
        cwd=OUT / "solutions", capture_output=True, text=True, timeout=1800,
    )
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]
    assert " passed" in res.stdout and "failed" not in res.stdout


@pytest.mark.parametrize("lab", LABS)
def test_learner_lab_stops_at_its_first_exercise(lab, course_ws):
    built_or_skip(lab)
    src = ROOT / "labs" / lab.notebook
    exercises = build.exercise_ids(build.read(ROOT / "solutions" / lab.notebook))
    assert exercises, f"{lab.id} has no exercises"
    out = OUT / "labs" / lab.notebook
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(src, out, lab, cwd=ROOT / "labs")
    assert err.value.ename == "ExerciseNotDone"
    assert err.value.evalue.startswith(f"Exercise {exercises[0]} is not done yet")
    ran = build.read(out)
    code = [c for c in ran["cells"] if c["cell_type"] == "code" and "injected-parameters" not in c["metadata"].get("tags", [])]
    failing = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    first_stub = next(i for i, c in enumerate(code) if "mc.todo(" in build.source(c))
    assert failing == [first_stub], "only the first exercise cell may fail, and it must"
