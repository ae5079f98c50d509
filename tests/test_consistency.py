"""Course consistency: the manifest, the notebooks, the generated labs and the environment files agree."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlops_course import build, envcheck, manifest, workspace

ROOT = workspace.course_root()
COURSE = manifest.load()
BUILT = COURSE.built_labs


def lab_ids(labs):
    return [lab.id for lab in labs]


def test_the_top_level_layout_the_course_promises_exists():
    for name in ("labs", "solutions", "datasets", "tests"):
        assert (ROOT / name).is_dir(), name
    for name in ("course.yml", "environment.yml", "README.md", "requirements-lock.txt", "pyproject.toml",
                 "Makefile", "postBuild", ".ci/run"):
        assert (ROOT / name).is_file(), name


def test_planned_labs_are_listed_so_the_reason_for_their_absence_is_visible():
    planned = [lab.id for lab in COURSE.labs if not lab.built]
    for lab_id in planned:
        lab = COURSE.lab(lab_id)
        assert not (ROOT / "solutions" / lab.notebook).exists(), f"{lab_id} has a notebook: mark it built"
    assert len(COURSE.labs) == 8


@pytest.mark.parametrize("lab_id", lab_ids(BUILT))
def test_every_built_lab_has_both_notebooks(lab_id):
    lab = COURSE.lab(lab_id)
    assert (ROOT / "solutions" / lab.notebook).is_file()
    assert (ROOT / "labs" / lab.notebook).is_file()


def test_no_stray_notebooks_outside_the_manifest():
    listed = {lab.notebook for lab in BUILT}
    assert {p.name for p in (ROOT / "solutions").glob("*.ipynb")} == listed
    assert {p.name for p in (ROOT / "labs").glob("*.ipynb")} == listed


def test_labs_are_in_sync_with_solutions():
    assert build.build(ROOT, check=True) == [], "run `make labs` and commit labs/"


def test_build_labs_check_command_passes():
    res = subprocess.run([sys.executable, "-m", "mlops_course", "build-labs", "--check"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("lab_id", lab_ids(BUILT))
def test_committed_solution_outputs_come_from_the_current_code(lab_id):
    nb = build.read(ROOT / "solutions" / COURSE.lab(lab_id).notebook)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "unexecuted cells: run `python -m mlops_course record`"
    assert build.stamp_of(nb) == build.code_stamp(nb), (
        f"outputs are stale: run `python -m mlops_course record {lab_id}` and commit"
    )
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, "a committed solution must run without errors"
    assert len(json.dumps(nb)) < 2_000_000, "keep big HTML out of committed outputs"


@pytest.mark.parametrize("lab_id", lab_ids(BUILT))
def test_each_solution_follows_the_notebook_contract(lab_id):
    lab = COURSE.lab(lab_id)
    nb = build.read(ROOT / "solutions" / lab.notebook)
    first = build.source(nb["cells"][0])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert f"about {lab.minutes} minutes" in first, "the title cell states the minutes from course.yml"
    for objective in lab.objectives:
        assert objective in first, f"objective missing from the title cell: {objective}"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    params = build.source(tagged[0])
    for name in lab.params("ci"):
        assert re.search(rf"^{name}\s*=", params, re.M), f"ci parameter {name} is not defined in the parameters cell"
    assert any("NBVAL_CHECK_OUTPUT" in build.source(c) for c in code), "mark the outputs that must repeat"
    assert f'mc.complete("{lab.id}"' in build.source(code[-1]), "the last cell records completion"
    if lab.requires:
        joined = "\n".join(build.source(c) for c in code)
        assert "mc.require(" in joined, "a lab with prerequisites catches up with mc.require(...)"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("lab_id", lab_ids(BUILT))
def test_each_exercise_has_a_check_cell_after_it(lab_id):
    nb = build.read(ROOT / "solutions" / COURSE.lab(lab_id).notebook)
    cells = [build.source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    for i, src in enumerate(cells):
        for ex_id in build.stub_out(src)[1]:
            later = "\n".join(cells[i + 1 : i + 3])
            assert ".check(" in later, f"exercise {ex_id} needs a check cell right after it"


def test_environment_yml_pins_exactly_the_lock():
    lock = envcheck.lock_pins()
    env = envcheck.environment_yml_pins()
    assert env == lock
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "sync_environment.py"), "--check"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout


def test_every_direct_requirement_is_pinned_in_the_lock_at_the_same_version():
    direct = envcheck.parse_pins((ROOT / "requirements.txt").read_text().splitlines())
    lock = envcheck.lock_pins()
    assert direct, "requirements.txt pins nothing"
    for name, version in direct.items():
        assert lock.get(name) == version, f"{name}: requirements.txt {version} vs lock {lock.get(name)}"
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"unpinned line in the lock: {line}"


def test_this_environment_is_the_locked_one():
    mismatched = []
    for name, pinned in envcheck.lock_pins().items():
        installed = envcheck.installed_version(name)
        if installed is not None and installed != pinned:
            mismatched.append(f"{name} {installed} != {pinned}")
    missing = [n for n in envcheck.lock_pins() if envcheck.installed_version(n) is None]
    assert not mismatched and not missing, (mismatched, missing)


def test_importing_the_package_pulls_in_none_of_the_heavy_stack():
    code = (
        "import sys, mlops_course; heavy = [m for m in ('mlflow', 'feast', 'bentoml', 'evidently', 'pandas', 'sklearn', 'papermill') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""


def test_the_package_switches_telemetry_off_on_import():
    names = ("MLFLOW_DISABLE_TELEMETRY", "DO_NOT_TRACK", "BENTOML_DO_NOT_TRACK", "FEAST_USAGE")
    code = (f"import os; [os.environ.pop(k, None) for k in {names!r}]; import mlops_course; "
            f"print(*[os.environ[k] for k in {names!r}])")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.split() == ["true", "true", "true", "False"]


def test_the_readme_course_map_matches_the_manifest():
    readme = (ROOT / "README.md").read_text()
    for lab in COURSE.labs:
        row = next((line for line in readme.splitlines() if line.startswith("|") and lab.id in line), None)
        assert row, f"README course map has no row for {lab.id}"
        assert lab.title in row and str(lab.minutes) in row and lab.layer in row
    assert "make lab" in readme and "make test" in readme


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_code_and_notebooks_are_lint_clean():
    ruff = Path(sys.executable).with_name("ruff")  # pinned in the lock, installed beside this Python
    exe = str(ruff) if ruff.exists() else "ruff"
    res = subprocess.run([exe, "check", "mlops_course", "tests", "tools", "bench", "solutions"], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]
