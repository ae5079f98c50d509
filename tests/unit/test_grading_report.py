"""The grader's report comes from the checks' structured outcomes, and grading leaves the environment as it was."""

import os
import shutil

import pytest

from mlops_course import grading, notebooks, workspace
from mlops_course.checks import CHECK_MIME, ExerciseNotDone

ROOT = workspace.course_root()


def outcome(ex_id, state, message=""):
    data = {CHECK_MIME: {"exercise": ex_id, "outcome": state, "message": message}, "text/plain": ""}
    return {"output_type": "display_data", "data": data, "metadata": {}}


def said(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def not_done(ex_id):
    return {"output_type": "error", "ename": "ExerciseNotDone", "traceback": [], "evalue": str(ExerciseNotDone(ex_id))}


def executed(*outputs):
    return {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [o]} for o in outputs]}


def test_outcomes_come_from_the_structured_output_not_the_sentence():
    nb = executed(said("\u2705 Exercise 1.1 (x): correct."), outcome("1.2", "correct"))
    results, _ = grading.outcomes(nb, ["1.1", "1.2"])
    assert results == {"1.1": "not reached", "1.2": "correct"}


def test_an_incorrect_exercise_keeps_its_first_message():
    nb = executed(outcome("1.1", "incorrect", "these are UTC hours."), outcome("1.1", "incorrect", "later"))
    results, messages = grading.outcomes(nb, ["1.1", "1.2"])
    assert results == {"1.1": "incorrect", "1.2": "not reached"}
    assert messages == {"1.1": "these are UTC hours."}


def test_a_stub_error_marks_its_exercise_not_done():
    results, _ = grading.outcomes(executed(outcome("1.1", "correct"), not_done("1.2")), ["1.1", "1.2", "1.3"])
    assert results == {"1.1": "correct", "1.2": "not done", "1.3": "not reached"}


def test_an_outcome_stored_as_json_text_is_read_too():
    out = outcome("1.1", "correct")
    out["data"][CHECK_MIME] = '{"exercise": "1.1", "outcome": "correct", "message": ""}'
    assert grading.outcomes(executed(out), ["1.1"])[0] == {"1.1": "correct"}


def test_the_report_shows_the_message_of_an_incorrect_exercise():
    report = grading.Report("01-x", {"1.1": "incorrect", "1.2": "not reached"}, "ExerciseIncorrect: ...",
                            {"1.1": "these are UTC hours."})
    assert "exercise 1.1: incorrect (these are UTC hours.)" in str(report)
    assert not report.all_correct


@pytest.fixture
def learner_notebook(tmp_path):
    path = tmp_path / "learner" / "00_setup.ipynb"
    path.parent.mkdir()
    shutil.copy(ROOT / "labs" / "00_setup.ipynb", path)
    return path


def test_grading_leaves_the_environment_exactly_as_it_was(ws, learner_notebook, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("BENTOML_HOME", "/somewhere/else")
    seen = {}

    def fake_run(path, out, params):
        seen.update(os.environ)
        notebooks.write(executed(outcome("0.1", "correct"), not_done("0.2")), out)
        return "ExerciseNotDone: Exercise 0.2 is not done yet"

    monkeypatch.setattr(grading, "_run", fake_run)
    before = dict(os.environ)
    report = grading.check_notebook(learner_notebook)
    assert dict(os.environ) == before
    assert seen["MLOPS_WORKSPACE"] != str(ws) and "mlops-check-" in seen["MLOPS_WORKSPACE"]
    assert seen["MLOPS_WORKSPACE"] in seen["MLFLOW_TRACKING_URI"] and seen["BENTOML_HOME"].startswith(seen["MLOPS_WORKSPACE"])
    assert not os.path.exists(seen["MLOPS_WORKSPACE"]), "the throwaway workspace is removed"
    assert report.results == {"0.1": "correct", "0.2": "not done"}
