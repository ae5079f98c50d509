"""The learner's lab 05 project, as the solution notebook left it: its own test suite, its faults, its workflow.

Each test works on the workspace the course chain left (caught up here if run alone), at the `ci` size. Faults
are injected into a copy of the project in a temporary folder, never into the workspace.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from chain import completed_lab

from mlops_course import workspace

CHECK_JSONSCHEMA = str(Path(sys.executable).parent / "check-jsonschema")
FAULTS = {
    "paise": ("tests/conftest.py", 'return data.load(data_size, seed=int(os.environ.get("SEED", "42")))',
              'upi = data.load(data_size, seed=int(os.environ.get("SEED", "42")))\n'
              '    broken = upi.transactions["event_timestamp"] < "2025-02-01"\n'
              '    upi.transactions.loc[broken, "amount_inr"] *= 100\n    return upi', "tests/test_data.py"),
    "leak": ("src/upi_fraud/feature_pipeline.py", 'hi = np.searchsorted(sorted_comp, comp, side="left")',
             'hi = np.searchsorted(sorted_comp, comp, side="right")', "tests/test_features.py"),
    "ignores-amount": ("src/upi_fraud/validation/judging.py", "return np.asarray(self.model.predict_proba(X)[:, 1])",
                       "return np.asarray(self.model.predict_proba(X.assign(amount_inr=0.0))[:, 1])",
                       "tests/test_behaviour.py"),
    "500-on-missing-field": ("src/upi_fraud/serving/request_schema.py", "city_tier: Annotated[int, Field(strict=True, ge=1, le=3)]",
                             "city_tier: Annotated[int, Field(strict=True, ge=1, le=3)] | None = None",
                             "tests/test_service_contract.py"),
}


@pytest.fixture(scope="module")
def project(course_ws):
    lab = completed_lab(course_ws, "05-ci-for-ml")
    env = {**os.environ, **workspace.environment(), "DATA_SIZE": lab.params("ci")["DATA_SIZE"],
           "HYPOTHESIS_EXAMPLES": "10", "FUZZ_EXAMPLES": "10",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return {"dir": workspace.project_dir(), "env": env}


def _pytest(folder, env, *files):
    """The project's pytest in `folder`, importing that folder's src/ (the workspace's or a faulty copy's)."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files], cwd=folder,
                          env={**env, "PYTHONPATH": str(folder / "src")}, capture_output=True, text=True,
                          timeout=600)


def _copy(project, tmp_path):
    """The project in a temporary folder; its Feast repo's data (registry, stores) linked, not copied."""
    copy, repo_data = tmp_path / "project", project["dir"] / "feature_repo" / "data"

    def skipped(folder, names):
        return {n for n in names if n in ("__pycache__", ".ci", ".mypy_cache")
                or Path(folder, n) == repo_data}

    shutil.copytree(project["dir"], copy, ignore=skipped)
    (copy / "feature_repo" / "data").symlink_to(repo_data)
    return copy


def test_lab05_the_projects_own_suite_passes_from_a_shell(project):
    done = _pytest(project["dir"], project["env"], "tests")
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"\b(\d{2,}) passed", done.stdout), done.stdout[-500:]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_lab05_the_projects_suite_fails_on_the_fault_it_exists_for(project, tmp_path, fault):
    path, old, new, tests = FAULTS[fault]
    copy = _copy(project, tmp_path)
    text = (copy / path).read_text()
    assert old in text, f"{path} no longer holds the line this fault replaces"
    (copy / path).write_text(text.replace(old, new, 1))
    done = _pytest(copy, project["env"], tests)
    assert done.returncode == 1 and "FAILED" in done.stdout, done.stdout[-2000:]


def _workflow(project):
    workflow = yaml.safe_load((project["dir"] / ".github/workflows/ci.yml").read_text())
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true
    return workflow


def _validate(path):
    return subprocess.run([CHECK_JSONSCHEMA, "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("workflow", ["ci.yml", "deliver.yml"])
def test_lab05_each_workflow_validates_against_githubs_schema(project, workflow):
    done = _validate(project["dir"] / ".github" / "workflows" / workflow)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("breakage", ["no runs-on", "an unknown key"])
def test_lab05_a_malformed_workflow_is_refused(project, tmp_path, breakage):
    workflow = _workflow(project)
    job = workflow["jobs"]["checks"]
    if breakage == "no runs-on":
        job.pop("runs-on")
    else:
        job["runs_on"] = "ubuntu-24.04"
    path = tmp_path / "ci.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False))
    done = _validate(path)
    assert done.returncode == 1 and ("runs-on" if breakage == "no runs-on" else "runs_on") in done.stdout, done.stdout


def test_lab05_every_command_the_workflow_runs_exists_in_the_project(project):
    workflow = _workflow(project)
    targets = set(re.findall(r"^([a-z][\w-]*):", (project["dir"] / "Makefile").read_text(), flags=re.M))
    needs = {job: spec.get("needs") for job, spec in workflow["jobs"].items()}
    assert all(n is None or n in workflow["jobs"] for n in needs.values()), needs
    commands = [s["run"] for spec in workflow["jobs"].values() for s in spec["steps"] if "run" in s]
    assert commands
    for command in commands:
        words = command.split()
        if words[0] == "make":
            assert words[1] in targets, f"{command}: no target {words[1]} in the Makefile"
        else:
            assert words[:3] == ["pip", "install", "-r"] and (project["dir"] / words[3]).is_file(), command

