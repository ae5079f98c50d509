"""Reading notebooks: a cell's source, the solution blocks, the JSON a solution printed."""

import pytest

from mlops_course import notebooks
from mlops_course.notebooks import BuildError


def code_cell(src):
    return {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": src}


SOLUTION = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "### BEGIN SOLUTION 9.9\nnot code\n### END SOLUTION"},
        code_cell(["import mlops_course as mc\n", "x = 1\n"]),
        code_cell("def f(x):\n    ### BEGIN SOLUTION 1.2\n    y = 2 * x\n\n    return y\n    ### END SOLUTION\n"),
        code_cell("### BEGIN SOLUTION 1.3\nanswer = f(21)\n### END SOLUTION\n"),
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}


@pytest.fixture
def course(tmp_path):
    (tmp_path / "solutions").mkdir()
    notebooks.write(SOLUTION, tmp_path / "solutions" / "01_x.ipynb")
    notebooks.write({**SOLUTION, "cells": [code_cell("### BEGIN SOLUTION 2.1\nz = 0\n### END SOLUTION\n")]},
                    tmp_path / "solutions" / "02_y.ipynb")
    return tmp_path


def test_a_cell_source_is_one_string_whether_stored_as_lines_or_text():
    assert notebooks.source(SOLUTION["cells"][1]) == "import mlops_course as mc\nx = 1\n"
    assert notebooks.source({"cell_type": "code"}) == ""


def test_exercise_ids_come_from_code_cells_only_in_order():
    assert notebooks.exercise_ids(SOLUTION) == ["1.2", "1.3"]


def test_a_solution_block_is_its_code_dedented():
    block = notebooks.solution_blocks(SOLUTION)[0]
    assert (block.exercise_id, block.indent) == ("1.2", "    ")
    assert block.code == "y = 2 * x\n\nreturn y\n"


def test_solution_code_is_read_from_the_notebook_that_holds_the_block(course):
    assert notebooks.solution_code("1.3", root=course) == "answer = f(21)\n"
    assert notebooks.solution_code("2.1", root=course) == "z = 0\n"
    with pytest.raises(BuildError, match="no notebook .* has a solution block for exercise 4.4"):
        notebooks.solution_code("4.4", root=course)


def test_dumps_is_stable_and_ends_with_a_newline():
    text = notebooks.dumps({"b": 1, "a": "\u20b9"})
    assert text == '{\n "a": "\u20b9",\n "b": 1\n}\n'


def test_printed_json_reads_what_a_committed_solution_printed_and_none_when_it_printed_nothing():
    figures = notebooks.printed_json("05_ci_for_ml.ipynb", "ct-story figures: ")
    assert figures is not None and figures["data_size"] == "default"
    assert notebooks.printed_json("05_ci_for_ml.ipynb", "no lab prints this: ") is None
