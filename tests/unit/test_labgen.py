"""Generating labs/ from solutions/: stubs, cleared outputs, and a --check that catches stale labs."""

import json
import shutil

import pytest

from mlops_course import labgen, notebooks
from mlops_course.errors import CourseError
from mlops_course.notebooks import BuildError


def nb(*cells):
    out = []
    for kind, src, *tags in cells:
        cell = {"cell_type": kind, "metadata": {"tags": tags[0]} if tags else {}, "source": src}
        if kind == "code":
            cell.update(outputs=[{"output_type": "stream", "name": "stdout", "text": "x"}], execution_count=3)
        out.append(cell)
    return {"cells": out, "metadata": {"papermill": {"x": 1}}, "nbformat": 4, "nbformat_minor": 5}


SOLUTION = nb(
    ("markdown", "# Title"),
    ("code", "import mlops_course as mc\nx = 1"),
    ("code", "def f():\n    ### BEGIN SOLUTION 1.2\n    return 42\n    ### END SOLUTION\n\nanswer = None\n### BEGIN SOLUTION 1.3\nanswer = f()\n### END SOLUTION\nprint(answer)\n"),
    ("code", "print('only for the instructor')", ["solution-only"]),
)


def test_solution_blocks_become_a_todo_and_a_stub_at_the_same_indent():
    text, ids = labgen.stub_out(SOLUTION["cells"][2]["source"])
    assert ids == ["1.2", "1.3"]
    assert text == (
        "def f():\n"
        "    # TODO exercise 1.2: replace the next line with your code.\n"
        '    mc.todo("1.2")\n'
        "\n"
        "answer = None\n"
        "# TODO exercise 1.3: replace the next line with your code.\n"
        'mc.todo("1.3")\n'
        "print(answer)\n"
    )
    compile(text, "<lab>", "exec")


def test_in_a_cell_that_writes_a_project_file_the_stub_raises_not_implemented_in_the_file():
    cell = ("%%writefile project/src/upi_fraud/rules.py\ndef score(df):\n    ### BEGIN SOLUTION 1.3\n    return df.amount > 0\n"
            "    ### END SOLUTION\n")
    text, ids = labgen.stub_out(cell)
    assert ids == ["1.3"] and "mc.todo" not in text  # the learner's file must not need the course
    body = text.split("\n", 1)[1]
    namespace: dict = {}
    exec(compile(body, "rules.py", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="Exercise 1.3 is not done yet"):
        namespace["score"](None)


def test_a_lab_has_no_outputs_no_solution_only_cells_and_no_run_metadata():
    lab = labgen.make_lab(SOLUTION, "01_x.ipynb")
    assert len(lab["cells"]) == 3
    code = [c for c in lab["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "papermill" not in lab["metadata"]
    assert "BEGIN SOLUTION" not in json.dumps(lab)
    assert "only for the instructor" not in json.dumps(lab)


def test_a_lab_says_where_it_came_from():
    lab = labgen.make_lab(SOLUTION, "01_x.ipynb")
    assert lab["metadata"]["mlops_course"]["generated_from"] == "solutions/01_x.ipynb"


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "needs the exercise id"),
        ("### BEGIN SOLUTION 1.1\nx = 1", "not closed"),
        ("x = 1\n### END SOLUTION", "without a BEGIN"),
        ("### BEGIN SOLUTION 1.1\n### BEGIN SOLUTION 1.2\n### END SOLUTION", "inside another"),
    ],
)
def test_malformed_markers_are_refused(src, message):
    with pytest.raises(BuildError, match=message):
        labgen.stub_out(src)


def test_a_build_error_is_a_course_error_shown_as_one_sentence():
    err = BuildError("x.ipynb cell 3: a solution block is not closed with '### END SOLUTION'.")
    assert isinstance(err, CourseError)
    assert err._render_traceback_() == [f"BuildError: {err}"]


def test_exercises_need_the_course_import():
    solution = nb(("code", "### BEGIN SOLUTION 1.1\nx = 1\n### END SOLUTION"))
    with pytest.raises(BuildError, match="import mlops_course as mc"):
        labgen.make_lab(solution, "x.ipynb")


@pytest.fixture
def course(tmp_path):
    (tmp_path / "solutions").mkdir()
    notebooks.write(SOLUTION, tmp_path / "solutions" / "01_x.ipynb")
    return tmp_path


def test_check_reports_missing_then_passes_after_build(course):
    assert labgen.build(course, check=True) == ["labs/01_x.ipynb is missing"]
    assert labgen.build(course) == ["wrote labs/01_x.ipynb"]
    assert labgen.build(course, check=True) == []
    assert labgen.build(course) == []  # idempotent


def test_check_detects_an_edited_solution(course):
    labgen.build(course)
    sol = notebooks.read(course / "solutions" / "01_x.ipynb")
    sol["cells"][1]["source"] = "import mlops_course as mc\nx = 2"
    notebooks.write(sol, course / "solutions" / "01_x.ipynb")
    assert labgen.build(course, check=True) == ["labs/01_x.ipynb is stale"]


def test_check_detects_a_hand_edited_lab_and_an_orphan_lab(course):
    labgen.build(course)
    lab = course / "labs" / "01_x.ipynb"
    lab.write_text(lab.read_text().replace("x = 1", "x = 99"))
    shutil.copy(lab, course / "labs" / "02_orphan.ipynb")
    assert labgen.build(course, check=True) == ["labs/01_x.ipynb is stale", "labs/02_orphan.ipynb has no solution notebook"]


def test_a_build_removes_an_orphan_lab(course):
    labgen.build(course)
    shutil.copy(course / "labs" / "01_x.ipynb", course / "labs" / "02_orphan.ipynb")
    assert labgen.build(course) == ["removed labs/02_orphan.ipynb"]
    assert not (course / "labs" / "02_orphan.ipynb").exists()


# ---------------------------------------------------------------- exercise cells and the reference project

MODULE = "def f():\n    ### BEGIN SOLUTION 1.2\n    return 42\n    ### END SOLUTION\n"


def _writefile(path, body):
    return ("code", f"{labgen.WRITEFILE_PREFIX}{path}\n{body}")


@pytest.fixture
def with_project(course):
    """The mini course with a reference project: one learner module (solution markers) and one given file."""
    (course / "project" / "src" / "pkg").mkdir(parents=True)
    (course / "project" / "src" / "pkg" / "mine.py").write_text(MODULE)
    (course / "project" / "src" / "pkg" / "given.py").write_text("GIVEN = 1\n")
    return course


def _solution(course, *cells):
    notebooks.write(nb(("code", "import mlops_course as mc"), *cells), course / "solutions" / "01_x.ipynb")


def test_an_exercise_cell_that_drifted_from_its_reference_file_is_reported_then_synced(with_project):
    _solution(with_project, _writefile("src/pkg/mine.py", "def f():\n    return 41\n"))
    assert labgen.sync_exercise_cells(with_project, check=True) == [
        "solutions/01_x.ipynb: its cell for project/src/pkg/mine.py differs from the reference file"]
    assert labgen.sync_exercise_cells(with_project) == ["synced exercise cells of solutions/01_x.ipynb with project/"]
    cell = notebooks.read(with_project / "solutions" / "01_x.ipynb")["cells"][1]
    assert notebooks.source(cell) == f"{labgen.WRITEFILE_PREFIX}src/pkg/mine.py\n{MODULE}"
    assert labgen.sync_exercise_cells(with_project, check=True) == []


def test_a_build_check_reports_a_drifted_exercise_cell(with_project):
    _solution(with_project, _writefile("src/pkg/mine.py", MODULE))
    labgen.build(with_project)
    (with_project / "project" / "src" / "pkg" / "mine.py").write_text(MODULE.replace("42", "43"))
    assert labgen.build(with_project, check=True)[0].endswith("differs from the reference file")


@pytest.mark.parametrize(("path", "says"), [
    ("src/pkg/given.py", "a given file: a lab copies given files"),
    ("src/pkg/missing.py", "not a file of the reference project"),
])
def test_a_cell_may_write_only_a_learner_module_of_the_reference(with_project, path, says):
    _solution(with_project, _writefile(path, "X = 1\n"))
    with pytest.raises(BuildError, match=says):
        labgen.sync_exercise_cells(with_project, check=True)
