"""The reference project (project/) and the notebooks agree: each file has one home, no cell is a wall of code.

Every file of the project is either given (a lab copies it, course.yml `project_files`) or a learner module (an
exercise cell writes it, generated from the file by `make labs`), never both and never twice. The project
names no course package and edits no import path, and pins what the course's lock pins.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from mlops_course import labgen, manifest, notebooks
from mlops_course import project as course_project

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT / "course.yml")
MAX_CELL_LINES, MAX_EXERCISE_CELL_LINES = 40, 60


def _written() -> Counter[str]:
    """How many exercise cells of the solutions write each project file."""
    found: Counter[str] = Counter()
    for lab in COURSE.labs:
        for cell in notebooks.read(ROOT / "solutions" / lab.notebook)["cells"]:
            first = notebooks.source(cell).partition("\n")[0]
            if cell["cell_type"] == "code" and first.startswith(labgen.WRITEFILE_PREFIX):
                found[first.removeprefix(labgen.WRITEFILE_PREFIX).strip()] += 1
    return found


def _given() -> Counter[str]:
    """How many labs give each project file."""
    return Counter(rel for lab in COURSE.labs for rel in course_project.given_files(lab, ROOT / "project"))


def test_every_project_file_is_given_by_one_lab_or_written_by_one_exercise_cell():
    given, written = _given(), _written()
    files = course_project.reference_files()
    assert files, "project/ holds no file"
    homes = {rel: given[rel] + written[rel] for rel in files if not rel.startswith("feature_repo/data/")}
    assert {rel: n for rel, n in homes.items() if n != 1} == {}, "each file: one lab gives it or one cell writes it"
    assert set(given) | set(written) <= set(files), "course.yml or a cell names a file the project lacks"


def test_exercise_cells_write_learner_modules_and_labs_give_only_the_rest():
    assert all(course_project.is_learner_module(rel) for rel in _written())
    assert not [rel for rel in _given() if course_project.is_learner_module(rel)]


@pytest.mark.parametrize("folder", ["solutions", "labs"])
def test_no_code_cell_is_a_wall_of_code(folder):
    """At most 40 lines a cell, an exercise cell (a learner module, whole) at most 60."""
    long = {}
    for path in sorted((ROOT / folder).glob("*.ipynb")):
        for k, cell in enumerate(notebooks.read(path)["cells"]):
            text = notebooks.source(cell)
            limit = MAX_EXERCISE_CELL_LINES if text.startswith(labgen.WRITEFILE_PREFIX) else MAX_CELL_LINES
            if cell["cell_type"] == "code" and len(text.splitlines()) > limit:
                long[f"{path.name} cell {k}"] = len(text.splitlines())
    assert long == {}


def test_the_project_names_no_course_package_and_edits_no_import_path():
    offenders = []
    for rel in course_project.reference_files():
        path = ROOT / "project" / rel
        if path.suffix not in {".py", ".toml", ".yml", ".yaml", ".txt", ".md", ".cfg"} and path.name != "Makefile":
            continue
        text = path.read_text()
        offenders += [f"{rel}: {word}" for word in ("mlops_course", "MLOPS_", "sys.path") if word in text]
    assert offenders == []


def _pins(text: str) -> dict[str, str]:
    pins = (re.match(r"^\s*-?\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s#]+)", line) for line in text.splitlines())
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in pins if m}


def test_the_project_pins_what_the_course_lock_pins():
    lock = _pins((ROOT / "requirements-lock.txt").read_text())
    project = _pins((ROOT / "project" / "requirements.txt").read_text())
    bento = yaml.safe_load((ROOT / "project" / "bentofile.yaml").read_text())["python"]["packages"]
    assert project and bento
    for name, version in {**project, **_pins("\n".join(bento))}.items():
        assert lock.get(name) == version, f"{name}=={version} in the project, {lock.get(name)} in the lock"


def _learner_functions() -> dict[str, set[str]]:
    """The functions each learner module of the package defines, by import name (upi_fraud.serving.windows)."""
    import ast

    found = {}
    for rel in course_project.reference_files():
        if rel.startswith("src/") and rel.endswith(".py") and course_project.is_learner_module(rel):
            tree = ast.parse((ROOT / "project" / rel).read_text())
            found[rel.removeprefix("src/").removesuffix(".py").replace("/", ".")] = {
                n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return found


def test_given_code_calls_learner_functions_through_their_module():
    """`from upi_fraud.serving import windows` then `windows.add_event(...)`: a re-run exercise cell (reloaded by its
    check) changes what the given code runs; `from upi_fraud.serving.windows import add_event` would keep the old
    function. (A class, like 4.2's Payment, is part of the service's API: the service restarts to take a new one.)"""
    import ast

    learner, bound = _learner_functions(), []
    assert "add_event" in learner["upi_fraud.serving.windows"]
    for rel in course_project.reference_files():
        if rel.endswith(".py") and not course_project.is_learner_module(rel):
            for node in ast.walk(ast.parse((ROOT / "project" / rel).read_text())):
                if isinstance(node, ast.ImportFrom) and node.module in learner:
                    bound += [f"{rel}: from {node.module} import {a.name}" for a in node.names
                              if a.name in learner[node.module]]
    assert bound == []


def test_a_rerun_exercise_cell_changes_what_the_given_code_runs(tmp_path):
    """The learner rewrites units.py and its check reloads it: data_checks (given) runs the new unit_change."""
    import importlib


    ws = tmp_path / "workspace"
    (ws / "project").mkdir(parents=True)
    import shutil

    shutil.copytree(ROOT / "project" / "src", ws / "project" / "src",
                    ignore=shutil.ignore_patterns("__pycache__"))
    units_file = ws / "project" / "src" / "upi_fraud" / "validation" / "units.py"
    from upi_kit import data

    batch = data.load("ci").transactions.head(500)
    version = str(batch["app_version"].iloc[0])
    with course_project.imported(ws):
        from upi_fraud.validation import data_checks, units

        assert units.__file__ == str(units_file)
        before = data_checks.check_batch(batch, batch)
        units_file.write_text(units_file.read_text() + "\n\ndef unit_change(batch, reference, **_):\n"
                                                       f"    return {{{version!r}: 100.0}}\n")
        importlib.reload(units)  # what the exercise's check does
        after = data_checks.check_batch(batch, batch)
    assert not any(f"app {version} sends amounts" in line for line in before)
    assert any(f"app {version} sends amounts 100.0 times" in line for line in after), after


def test_a_labs_summary_names_each_folder_once_and_collapses_the_kit():
    text = course_project.summary("05-ci-for-ml", ["Makefile", "pyproject.toml", "src/upi_kit/story.py",
                                                    "src/upi_kit/data/dataset.py", "src/upi_fraud/ct/run.py"])
    assert text.splitlines() == [
        "Lab 05-ci-for-ml added 5 given file(s) to project/:",
        "  the project folder: Makefile, pyproject.toml",
        "  src/upi_kit/: the dataset, the story's constants and the paths (2 files)",
        "  src/upi_fraud/ct/: run.py",
    ]
