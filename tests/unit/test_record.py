"""Recording solution outputs: the stamp ties committed outputs to the code that made them."""

import pytest

from mlops_course import notebooks, record
from mlops_course.notebooks import BuildError

SOLUTION = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {"cell_type": "code", "metadata": {}, "source": "import mlops_course as mc\nx = 1", "outputs": [],
         "execution_count": None},
    ],
    "metadata": {"papermill": {"x": 1}}, "nbformat": 4, "nbformat_minor": 5,
}


@pytest.fixture
def solution(tmp_path):
    path = tmp_path / "01_x.ipynb"
    notebooks.write(SOLUTION, path)
    return path


def test_stamp_ties_outputs_to_code(solution, tmp_path):
    executed = notebooks.read(solution)
    executed["cells"].insert(0, {"cell_type": "code", "metadata": {"tags": ["injected-parameters"]},
                                  "source": "X = 1", "outputs": [], "execution_count": 1})
    executed["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran"}]
    notebooks.write(executed, tmp_path / "executed.ipynb")
    record.record_outputs(solution, tmp_path / "executed.ipynb")
    recorded = notebooks.read(solution)
    assert record.stamp_of(recorded) == record.code_stamp(recorded)
    assert recorded["cells"][1]["outputs"][0]["text"] == "ran"
    assert "papermill" not in recorded["metadata"]
    recorded["cells"][1]["source"] = "import mlops_course as mc\nx = 3"
    assert record.stamp_of(recorded) != record.code_stamp(recorded)


def test_a_notebook_never_recorded_has_no_stamp():
    assert record.stamp_of(SOLUTION) is None


def test_recording_outputs_from_other_code_is_refused(solution, tmp_path):
    other = notebooks.read(solution)
    other["cells"][1]["source"] = "different"
    notebooks.write(other, tmp_path / "executed.ipynb")
    with pytest.raises(BuildError, match="not executed from the current"):
        record.record_outputs(solution, tmp_path / "executed.ipynb")
