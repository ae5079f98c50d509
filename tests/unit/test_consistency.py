"""Course consistency: the manifest, the notebooks, the generated labs and the environment files agree."""

import json
import re

import pytest

from mlops_course import envcheck, labgen, manifest, notebooks, record, workspace

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
    assert labgen.build(ROOT, check=True) == [], "run `make labs` and commit labs/"


@pytest.mark.parametrize("lab_id", lab_ids(BUILT))
def test_committed_solution_outputs_come_from_the_current_code(lab_id):
    nb = notebooks.read(ROOT / "solutions" / COURSE.lab(lab_id).notebook)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "unexecuted cells: run `python -m mlops_course record`"
    assert record.stamp_of(nb) == record.stamp(COURSE.lab(lab_id).notebook, nb), (
        f"outputs are stale (its cells, a project file it uses, or the lock changed): run "
        f"`python -m mlops_course record {lab_id}` and commit"
    )
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, "a committed solution must run without errors"
    assert len(json.dumps(nb)) < 2_000_000, "keep big HTML out of committed outputs"


@pytest.mark.parametrize("lab_id", lab_ids(BUILT))
def test_each_solution_follows_the_notebook_contract(lab_id):
    lab = COURSE.lab(lab_id)
    nb = notebooks.read(ROOT / "solutions" / lab.notebook)
    first = notebooks.source(nb["cells"][0])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert f"about {lab.minutes} minutes" in first, "the title cell states the minutes from course.yml"
    for objective in lab.objectives:
        assert objective in first, f"objective missing from the title cell: {objective}"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    params = notebooks.source(tagged[0])
    for name in lab.params("ci"):
        assert re.search(rf"^{name}\s*=", params, re.M), f"ci parameter {name} is not defined in the parameters cell"
    assert any("NBVAL_CHECK_OUTPUT" in notebooks.source(c) for c in code), "mark the outputs that must repeat"
    assert f'mc.complete("{lab.id}"' in notebooks.source(code[-1]), "the last cell records completion"
    if lab.requires:
        joined = "\n".join(notebooks.source(c) for c in code)
        assert "mc.require(" in joined, "a lab with prerequisites catches up with mc.require(...)"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "solutions").glob("*.ipynb")))
def test_solutions_and_the_labs_generated_from_them_are_valid_notebooks(notebook):
    """Jupyter, papermill and nbval all read these files: the nbformat schema is what they agree on."""
    import nbformat

    solution = notebooks.read(ROOT / "solutions" / notebook)
    nbformat.validate(solution)
    nbformat.validate(labgen.make_lab(solution, notebook))


def test_environment_yml_pins_exactly_the_lock():
    assert envcheck.environment_yml_pins() == envcheck.lock_pins()


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


def test_the_course_chains_fit_the_suite_time_plan():
    """Each xdist chain runs its labs twice (papermill, nbval) after catching up the chains before it once.

    With the budgets in course.yml the longest chain must leave the not-slow suite within about 20 minutes on
    2 cores (lab 05 starts the service three times and retrains twice; with labs 06 and 07 after it, catching up
    labs 00-04 first, its chain is ~15 minutes). A lab in a chain of its own would cost more: it catches up lab 05
    and lab 06 (catch-up leaves out demonstration cells, but still trains and calibrates).
    """
    from suite_plan import LABS_PER_CHAIN

    chains: dict[int, int] = {}
    for lab in BUILT:
        chains[lab.number // LABS_PER_CHAIN] = chains.get(lab.number // LABS_PER_CHAIN, 0) + 2 * lab.ci_seconds
    catch_up = {n: sum(lab.ci_seconds for lab in BUILT if lab.number // LABS_PER_CHAIN < n) for n in chains}
    longest = max(chains[n] + catch_up[n] for n in chains)
    assert longest <= 16 * 60, f"the longest course chain is planned at {longest} s: split the chains or trim the labs"
    for name, chain in COURSE.chains.items():  # a size's own chain (tests/course/test_loop_chain.py) has a worker too
        assert chain.seconds <= 16 * 60, f"chain {name} is planned at {chain.seconds} s: shrink its rows"


PRODUCTION_LOCK = ROOT / "requirements-production-lock.txt"


def test_the_production_lock_adds_pinned_packages_and_repins_none_of_the_course_lock():
    lines = [line for line in PRODUCTION_LOCK.read_text().splitlines() if line.strip() and not line.startswith("#")]
    assert lines and all("==" in line for line in lines), f"unpinned lines: {[x for x in lines if '==' not in x]}"
    production = envcheck.lock_pins(PRODUCTION_LOCK)
    assert not set(production) & set(envcheck.lock_pins()), "a package is pinned in both locks"


@pytest.mark.parametrize("extra", ["postgres", "redis"])
def test_the_production_lock_satisfies_feasts_extras_at_the_locked_feast(extra):
    from importlib import metadata

    from packaging.requirements import Requirement

    production = envcheck.lock_pins(PRODUCTION_LOCK)
    needed = [Requirement(r) for r in metadata.requires("feast") or [] if f'extra == "{extra}"' in r]
    assert needed, f"feast has no '{extra}' extra"
    for req in needed:
        assert envcheck.normalise(req.name) in production, f"{req.name} (feast[{extra}]) is not in the production lock"
        assert req.specifier.contains(production[envcheck.normalise(req.name)]), f"{req} vs the production lock"
        for sub in req.extras:  # psycopg[binary,pool]: the binary build and the pool are locked too
            assert envcheck.normalise(f"{req.name}-{sub}") in production, f"{req.name}[{sub}] is not locked"


def test_this_environment_has_the_production_lock_installed():
    wrong = {name: envcheck.installed_version(name) for name, pinned in envcheck.lock_pins(PRODUCTION_LOCK).items()
             if envcheck.installed_version(name) != pinned}
    assert not wrong, f"installed versions differ from requirements-production-lock.txt: {wrong}; run `make setup`"
