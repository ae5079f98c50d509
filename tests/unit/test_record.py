"""Recording solution outputs: the stamp ties committed outputs to the code that made them.

The code is the notebook's cells and the project files its lab and the labs before it put in the workspace
(given files and learner modules), so a mini course in a temporary folder holds a course.yml of two labs, a
reference project and a lock file.
"""

from pathlib import Path

import pytest
import yaml

from mlops_course import notebooks, record
from mlops_course.notebooks import BuildError

ROOT = Path(__file__).resolve().parents[2]

SOLUTION = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "metadata": {}, "source": "import mlops_course as mc\nx = 1", "outputs": [],
         "execution_count": None},
    ],
    "metadata": {"papermill": {"x": 1}}, "nbformat": 4, "nbformat_minor": 5,
}


def _course(root: Path) -> None:
    """course.yml with labs 01 (gives layout.py) and 02 (gives train.py, writes gate.py in an exercise cell)."""
    raw = yaml.safe_load((ROOT / "course.yml").read_text())
    first, second = raw["labs"][1], raw["labs"][2]
    first.update(notebook="01_x.ipynb", requires=[], project_files=["src/upi_fraud/layout.py"])
    second.update(notebook="02_y.ipynb", requires=[first["id"]], project_files=["src/upi_fraud/train.py"])
    raw["labs"] = [first, second]
    raw.pop("chains", None)  # they run to labs this mini course does not have
    (root / "course.yml").write_text(yaml.safe_dump(raw, sort_keys=False))
    for name in ("layout.py", "train.py", "gate.py"):
        (root / "project" / "src" / "upi_fraud").mkdir(parents=True, exist_ok=True)
        (root / "project" / "src" / "upi_fraud" / name).write_text(f"NAME = {name!r}\n")
    (root / "requirements-lock.txt").write_text("pandas==2.3.3\n")
    (root / "solutions").mkdir()
    second_nb = {**SOLUTION, "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                        "source": "%%writefile project/src/upi_fraud/gate.py\nNAME = 'gate.py'\n"}]}
    notebooks.write(second_nb, root / "solutions" / "02_y.ipynb")


@pytest.fixture
def solution(tmp_path):
    _course(tmp_path)
    path = tmp_path / "solutions" / "01_x.ipynb"
    notebooks.write(SOLUTION, path)
    return path


def test_a_labs_inputs_are_the_project_files_of_it_and_the_labs_before_it_and_the_lock(solution, tmp_path):
    assert record.inputs_of("01_x.ipynb", tmp_path) == [Path("project/src/upi_fraud/layout.py"),
                                                        Path("requirements-lock.txt")]
    assert record.inputs_of("02_y.ipynb", tmp_path) == [
        Path("project/src/upi_fraud/gate.py"), Path("project/src/upi_fraud/layout.py"),
        Path("project/src/upi_fraud/train.py"), Path("requirements-lock.txt")]


def test_the_stamp_changes_when_a_project_file_the_lab_uses_changes(solution, tmp_path):
    before = record.stamp("01_x.ipynb", root=tmp_path)
    (tmp_path / "project" / "src" / "upi_fraud" / "train.py").write_text("NAME = 'changed'\n")  # lab 02's file
    assert record.stamp("01_x.ipynb", root=tmp_path) == before
    (tmp_path / "project" / "src" / "upi_fraud" / "layout.py").write_text("NAME = 'changed'\n")
    assert record.stamp("01_x.ipynb", root=tmp_path) != before
    later = record.stamp("02_y.ipynb", root=tmp_path)
    (tmp_path / "requirements-lock.txt").write_text("pandas==2.3.4\n")
    assert record.stamp("02_y.ipynb", root=tmp_path) != later


def test_stamp_ties_outputs_to_code(solution, tmp_path):
    executed = notebooks.read(solution)
    executed["cells"].insert(0, {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]},
                                  "source": "X = 1", "outputs": [], "execution_count": 1})
    executed["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran"}]
    notebooks.write(executed, tmp_path / "executed.ipynb")
    record.record_outputs(solution, tmp_path / "executed.ipynb")
    recorded = notebooks.read(solution)
    assert record.stamp_of(recorded) == record.stamp("01_x.ipynb", root=tmp_path)
    assert recorded["cells"][1]["outputs"][0]["text"] == "ran"
    assert "papermill" not in recorded["metadata"]
    recorded["cells"][1]["source"] = "import mlops_course as mc\nx = 3"
    assert record.stamp_of(recorded) != record.stamp("01_x.ipynb", recorded, root=tmp_path)


def test_a_notebook_never_recorded_has_no_stamp():
    assert record.stamp_of(SOLUTION) is None


def test_recording_outputs_from_other_code_is_refused(solution, tmp_path):
    other = notebooks.read(solution)
    other["cells"][1]["source"] = "different"
    notebooks.write(other, tmp_path / "executed.ipynb")
    with pytest.raises(BuildError, match="not executed from the current"):
        record.record_outputs(solution, tmp_path / "executed.ipynb")
