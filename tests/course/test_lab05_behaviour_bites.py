"""Exercise 5.5's check, run for real: the learner's behavioural tests in a fresh interpreter, with the workspace's
champion (every test must pass) and with three models that each get one behaviour wrong (some test must fail for
each: mlops_course/exercises/_lab05_behaviour.py, about ten seconds a file at the ci size).

It needs a registered champion with its threshold, so it runs on the workspace lab 05's chain left. The verdict's
wording on given outcomes is unit-tested (tests/unit/test_exercises_lab05_behaviour.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import reference_project
from chain import completed_lab

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab05

TESTS = "tests/test_behaviour.py"


@pytest.fixture(scope="module")
def champion(course_ws):
    return completed_lab(course_ws, "05-ci-for-ml")


def _test_file(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "test_behaviour.py"
    file.write_text(text)
    return file


def test_the_reference_tests_pass_with_the_champion_and_fail_for_each_faulty_model(champion, capsys):
    lab05.behaviour_tests.check(reference_project.path(TESTS))
    assert ("your 4 tests pass on the reference project, with the workspace's champion, and fail for each of 3 "
            "models that each get one behaviour wrong (amount, customer_id, takeover)") in capsys.readouterr().out


def test_the_lab_stub_is_not_done(champion, tmp_path):
    with pytest.raises(ExerciseNotDone, match=re.escape("5.5")):
        lab05.behaviour_tests.check(_test_file(tmp_path, reference_project.stubbed(TESTS)))


def test_the_given_directional_test_alone_catches_none_of_the_three(champion, tmp_path):
    text = reference_project.text(TESTS)
    given = text[:text.index("### BEGIN SOLUTION")].replace("from upi_fraud import features\n", "")
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "your tests all pass with a model that ignores the amount (it scores every payment as if it were "
            "₹30,000) (and 2 more such model(s)): add a test that multiplies the amount alone")):
        lab05.behaviour_tests.check(_test_file(tmp_path, given))


def test_a_renaming_test_that_never_renames_misses_a_model_that_reads_the_id(champion, tmp_path):
    text = reference_project.substituted(TESTS, ("features.model_inputs(behaviour.Renamed(upi), under_test.feature_set)",
                                                  "features.model_inputs(upi, under_test.feature_set)"))
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "your tests all pass with a model that reads the customer's id (its inputs change when a customer is "
            "renamed): add a test that scores the same payments with every customer renamed")):
        lab05.behaviour_tests.check(_test_file(tmp_path, text))


def test_an_amount_test_that_counts_equal_scores_as_raised_misses_a_model_that_ignores_the_amount(champion, tmp_path):
    text = reference_project.substituted(TESTS, ("under_test.predict(larger) > under_test.predict(sample)",
                                                  "under_test.predict(larger) >= under_test.predict(sample)"))
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "your tests all pass with a model that ignores the amount (it scores every payment as if it were "
            "₹30,000): add a test that multiplies the amount alone")):
        lab05.behaviour_tests.check(_test_file(tmp_path, text))


def test_a_takeover_test_on_real_payments_instead_of_bursts_fails_on_the_champion(champion, tmp_path):
    text = reference_project.substituted(TESTS, ("under_test.predict(bursts) >= frame.threshold",
                                                  "under_test.predict(frame.X.loc[frame.part.index]) >= frame.threshold"))
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "on the reference project, with the workspace's champion, a test fails: "
            "test_canonical_takeover_bursts_alert: AssertionError: only ")):
        lab05.behaviour_tests.check(_test_file(tmp_path, text))


def test_a_skipped_test_is_refused(champion, tmp_path):
    text = reference_project.substituted(
        TESTS, ("import numpy as np\n", "import numpy as np\nimport pytest\n"),
        ("def test_canonical_takeover_bursts_alert", "@pytest.mark.skip(reason='red')\ndef test_canonical_takeover_bursts_alert"))
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "1 test(s) skipped on the reference project: a skipped test checks nothing.")):
        lab05.behaviour_tests.check(_test_file(tmp_path, text))
