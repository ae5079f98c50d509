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

import contextlib
import subprocess
import sys

import papermill as pm
import pytest
from chain import EXECUTED, LABS, OUT, ROOT, built_or_skip, execute, run_solution

from mlops_course import catchup, labgen, notebooks


@pytest.mark.parametrize("lab", LABS)
def test_solution_runs_end_to_end_at_ci_size(lab, course_ws):
    built_or_skip(lab)
    nb, _ = run_solution(lab)
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert catchup.is_complete(lab.id), "the lab did not record completion"


@pytest.mark.parametrize("lab", LABS)
def test_solution_repeats_under_nbval(lab, course_ws):
    built_or_skip(lab)
    executed = OUT / "solutions" / lab.notebook
    if lab.id not in EXECUTED:  # this lab's end-to-end test did not run in this session (e.g. `-k` chose this test)
        run_solution(lab)
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-o", "addopts=", "--rootdir", str(OUT), "-q", str(executed)],
        cwd=OUT / "solutions", capture_output=True, text=True, timeout=1800,
    )
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]
    assert " passed" in res.stdout and "failed" not in res.stdout


@contextlib.contextmanager
def _project_files_kept(lab):
    """The learner's notebook writes its stubs into the project: put back what was there, so the chain's later
    tests (and labs) see the solution's files whatever order the worker runs the tests in."""
    files = catchup.project_files(lab)
    before = {path: path.read_text() for path in files if path.is_file()}
    try:
        yield
    finally:
        for path in files:
            if path in before:
                path.write_text(before[path])
            else:
                path.unlink(missing_ok=True)


@pytest.mark.parametrize("lab", LABS)
def test_learner_lab_stops_at_its_first_exercise(lab, course_ws):
    built_or_skip(lab)
    catchup.require(*lab.requires, size="ci")
    src = ROOT / "labs" / lab.notebook
    exercises = notebooks.exercise_ids(notebooks.read(ROOT / "solutions" / lab.notebook))
    assert exercises, f"{lab.id} has no exercises"
    out = OUT / "labs" / lab.notebook
    with pytest.raises(pm.PapermillExecutionError) as err, _project_files_kept(lab):
        execute(src, out, lab, cwd=ROOT / "labs")
    assert err.value.ename == "ExerciseNotDone"
    assert err.value.evalue.startswith(f"Exercise {exercises[0]} is not done yet")
    ran = notebooks.read(out)
    code = [c for c in ran["cells"] if c["cell_type"] == "code" and "injected-parameters" not in c["metadata"].get("tags", [])]
    failing = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    sources = [notebooks.source(c) for c in code]
    first_stub = next(i for i, src in enumerate(sources)
                      if labgen.stub_for(exercises[0], src) in src)
    if sources[first_stub].startswith("%%writefile"):  # the stub is in a project file: its check runs it
        first_stub = next(i for i in range(first_stub + 1, len(sources)) if ".check(" in sources[i])
    assert failing == [first_stub], "only the first exercise's cell (or its check, for a project file) may fail"
