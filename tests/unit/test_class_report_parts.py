"""The class report's pure parts: finding learners, telling labs apart, spotting deleted check cells, the table."""

from __future__ import annotations

import csv
import io
import json

import pytest

from mlops_course import classreport, notebooks, workspace
from mlops_course.classtable import ClassReport, Row
from mlops_course.manifest import course

ROOT = workspace.course_root()


def lab_notebook(lab: str = "00_setup.ipynb") -> dict:
    return notebooks.read(ROOT / "labs" / lab)


def test_a_notebook_is_known_by_its_metadata_then_its_file_name_then_its_heading(tmp_path):
    lab04 = course().lab("04")
    assert classreport.identify(lab_notebook("04_model_serving.ipynb"), tmp_path / "asha.ipynb") == lab04
    bare = {"cells": [], "metadata": {}}
    assert classreport.identify(bare, tmp_path / "04_model_serving.ipynb") == lab04
    headed = {"cells": [{"cell_type": "markdown", "source": ["# Lab 04 · Serving\n", "text"]}], "metadata": {}}
    assert classreport.identify(headed, tmp_path / "asha.ipynb") == lab04
    assert classreport.identify(bare, tmp_path / "asha.ipynb") is None
    odd = {"cells": [], "metadata": {"mlops_course": {"generated_from": "solutions/99_nothing.ipynb"}}}
    assert classreport.identify(odd, tmp_path / "01_problem_and_data.ipynb") == course().lab("01")


@pytest.mark.parametrize("lab", [lab for lab in course().labs if lab.built], ids=lambda lab: lab.id)
def test_every_exercise_of_a_lab_has_one_check_cell_the_report_can_find(lab):
    names = classreport.check_names(lab)
    assert sorted(names.values()) == sorted(classreport.exercise_ids(lab))
    assert classreport.deleted_checks(lab_notebook(lab.notebook), lab) == []


def test_a_deleted_check_cell_is_named_by_its_exercise():
    nb = lab_notebook()
    nb["cells"] = [c for c in nb["cells"] if "ex.health.check(" not in notebooks.source(c)]
    assert classreport.deleted_checks(nb, course().lab("00")) == ["0.2"]


def test_learners_are_files_or_folders_and_checkpoints_are_ignored(tmp_path):
    for name in ("b.ipynb", "a.ipynb", ".ipynb_checkpoints/a-checkpoint.ipynb", "c/02.ipynb", "c/x/01.ipynb",
                 "c/.ipynb_checkpoints/02-checkpoint.ipynb", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps({}))
    found = [(s.learner, s.path.relative_to(tmp_path).as_posix()) for s in classreport.find_submissions(tmp_path)]
    assert found == [("a", "a.ipynb"), ("b", "b.ipynb"), ("c", "c/02.ipynb"), ("c", "c/x/01.ipynb")]


@pytest.mark.parametrize("setup", ["missing", "empty"])
def test_a_folder_without_notebooks_is_one_sentence(tmp_path, setup):
    folder = tmp_path / "subs"
    if setup == "empty":
        folder.mkdir()
    with pytest.raises(classreport.ClassReportError) as err:
        classreport.find_submissions(folder)
    assert err.value.exit_code == 2 and str(err.value).count(". ") == 0 and str(folder) in str(err.value)


def report() -> ClassReport:
    labs = [course().lab("00"), course().lab("02")]
    ids = {"00-setup": ["0.1", "0.2"], "02-experiment-tracking": ["2.1"]}
    rows = [Row("asha", {"0.1": "correct", "0.2": "incorrect: a | b"}, [], 12.4),
            Row("ravi", {"2.1": "not done"}, ["syntax error in cell 3: x", "time limit"], None)]
    return ClassReport.from_rows(rows, labs, ids, seconds=30)


def test_the_table_has_a_column_per_exercise_and_empty_cells_for_labs_not_handed_in():
    table = report().table()
    assert table[0] == ["learner", "0.1", "0.2", "2.1", "seconds", "notes"]
    assert table[1] == ["asha", "correct", "incorrect: a | b", "", "12", ""]
    assert table[2] == ["ravi", "", "", "not done", "", "syntax error in cell 3: x; time limit"]
    assert list(csv.reader(io.StringIO(report().csv()))) == table


def test_markdown_escapes_pipes_and_the_summary_counts_answers(tmp_path):
    r = report()
    written = r.write(tmp_path)
    md = written[1].read_text()
    assert "| asha | correct | incorrect: a \\| b |  | 12 |  |" in md
    assert r.summary().splitlines()[:4] == [
        "Checked 2 learner(s) in 30 s: 1 of 3 exercise answers correct.",
        "  exercise 0.1: 1 of 1 correct", "  exercise 0.2: 0 of 1 correct", "  exercise 2.1: 0 of 1 correct"]
    assert "Notes for: ravi." in r.summary()


def _cell(kind="code", started=True, count=None, outputs=(), tags=()):
    meta = {"tags": list(tags), "papermill": {"start_time": "2026-01-01T00:00:00" if started else None}}
    return {"cell_type": kind, "execution_count": count, "metadata": meta, "outputs": list(outputs), "source": ""}


def test_the_cell_a_kernel_died_in_is_the_last_one_papermill_started_even_without_an_execution_count():
    """A kernel that dies at once never sends the cell's execution count: the CI run once said cell 21 for 23."""
    from mlops_course.classreport import _failing_cell

    cells = [_cell(tags=["parameters"], count=1), _cell(tags=["injected-parameters"], count=2), _cell(count=3),
             _cell("markdown"), _cell(count=None), _cell(started=False), _cell("markdown", started=False)]
    assert _failing_cell({"cells": cells}) == (4, {})  # 1-based among the learner's cells (injected one left out)
    error = {"output_type": "error", "ename": "KeyError", "evalue": "x"}
    cells[2]["outputs"] = [error]
    assert _failing_cell({"cells": cells}) == (2, error)
    assert _failing_cell(None) is None
