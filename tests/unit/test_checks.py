"""Exercise checks: right answers pass, wrong ones get a sentence a learner understands."""

import sys
from types import ModuleType, SimpleNamespace

import pytest

import mlops_course as mc
from mlops_course import checks, notebooks
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone, Wrong, exercise, require_type
from mlops_course.errors import CourseError


@exercise("9.1", "double it", hint=("think of multiplication", "multiply `x` by two"))
def double(y):
    require_type(y, int, "`y`")
    if y != 42:
        raise Wrong(f"`y` is {y}, but 21 doubled is 42.")
    return "Nice."


def test_a_right_answer_prints_a_tick(capsys):
    double.check(42)
    out = capsys.readouterr().out
    assert out == "\u2705 Exercise 9.1 (double it): correct. Nice.\n"
    assert double.passed


def test_a_wrong_answer_says_what_is_wrong_and_points_to_the_hint():
    with pytest.raises(ExerciseIncorrect) as err:
        double.check(40)
    assert str(err.value) == "Exercise 9.1 (double it) is not right yet: `y` is 40, but 21 doubled is 42. Try .hint() for a nudge."
    assert err.value.exercise_id == "9.1"
    assert not double.passed


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "`y` is still None"), ("42", "should be an int, but it is a str"), (4.2, "should be an int, but it is a float")],
)
def test_type_problems_are_explained(value, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        double.check(value)


@pytest.mark.parametrize(
    ("value", "expected", "message"),
    [
        (1, str, "`v` should be a str, but it is an int"),
        ("x", (int, list), "`v` should be an int or a list, but it is a str"),
        (SimpleNamespace(), type("DataFrame", (), {}), "`v` should be a DataFrame, but it is a SimpleNamespace"),
    ],
)
def test_type_names_take_the_right_article(value, expected, message):
    with pytest.raises(Wrong, match=f"^{message}.$"):
        require_type(value, expected, "`v`")


def test_the_first_hint_gives_the_idea_and_points_to_the_next(capsys):
    double.hint()
    out = capsys.readouterr().out
    assert out == "\U0001f4a1 Hint 1 of 2 for exercise 9.1 (more with .hint(2)): think of multiplication\n"


def test_the_second_hint_gives_the_api_and_is_the_last(capsys):
    double.hint(2)
    out = capsys.readouterr().out
    assert "Hint 2 of 2" in out and "the last one" in out and out.rstrip().endswith("multiply `x` by two")


def test_a_hint_past_the_last_shows_the_last_and_says_so(capsys):
    double.hint(5)
    out = capsys.readouterr().out
    assert "Hint 2 of 2" in out and "there is no hint 5" in out and "multiply `x` by two" in out


def test_a_single_hint_is_one_step():
    single = exercise("9.2", "t", hint="only one")(lambda: None)
    assert single.hints == ("only one",)


@pytest.fixture
def course_with_solution(tmp_path, monkeypatch):
    """A course root whose solution notebook holds exercise 9.1's block, inside a function."""
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": "def answer(x):\n    ### BEGIN SOLUTION 9.1\n    y = 2 * x\n    return y\n    ### END SOLUTION\n"}
    (tmp_path / "solutions").mkdir()
    notebooks.write({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                    tmp_path / "solutions" / "09_double.ipynb")
    monkeypatch.setenv("MLOPS_COURSE_ROOT", str(tmp_path))
    return tmp_path


def test_the_solution_is_the_notebook_block_dedented(course_with_solution, capsys):
    double.solution()
    assert capsys.readouterr().out == "Solution for exercise 9.1:\n\ny = 2 * x\nreturn y\n"


def test_the_solution_follows_an_edit_of_the_notebook(course_with_solution, capsys):
    path = course_with_solution / "solutions" / "09_double.ipynb"
    path.write_text(path.read_text().replace("2 * x", "x + x"))
    double.solution()
    assert "y = x + x" in capsys.readouterr().out


@pytest.fixture
def notebook_display(monkeypatch):
    """What check() displays when it runs inside IPython (a stand-in shell records the display calls)."""
    shown = []
    ipython = ModuleType("IPython")
    ipython.get_ipython = lambda: object()
    display_mod = ModuleType("IPython.display")
    display_mod.display = lambda obj, raw=False: shown.append((obj, raw))
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display_mod)
    return shown


def test_a_right_answer_leaves_a_structured_outcome_that_shows_nothing(notebook_display, capsys):
    double.check(42)
    assert notebook_display == [({checks.CHECK_MIME: {"exercise": "9.1", "outcome": "correct", "message": "Nice."},
                                  "text/plain": ""}, True)]
    assert "correct" in capsys.readouterr().out


def test_a_wrong_answer_leaves_its_outcome_before_raising(notebook_display):
    with pytest.raises(ExerciseIncorrect):
        double.check(40)
    assert notebook_display == [({checks.CHECK_MIME: {"exercise": "9.1", "outcome": "incorrect",
                                                      "message": "`y` is 40, but 21 doubled is 42."},
                                  "text/plain": ""}, True)]


def test_outside_ipython_a_check_only_prints(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    double.check(42)
    assert capsys.readouterr().out.startswith("\u2705")


def test_exercise_errors_are_course_errors_rendered_as_one_friendly_line():
    err = ExerciseNotDone("2.3")
    assert isinstance(err, CourseError) and isinstance(ExerciseIncorrect("x"), CourseError)
    assert err.exercise_id == "2.3"
    assert str(err) == "Exercise 2.3 is not done yet: write your code where the # TODO is, then run this cell again."
    assert err._render_traceback_() == [f"\U0001f4a1 {err} (Stuck? Run the hint in the check cell below.)"]
    assert ExerciseIncorrect("wrong")._render_traceback_() == ["\u274c wrong"]


def test_a_project_file_stub_reached_by_a_check_is_not_done_not_a_crash():
    def learner_function():
        raise NotImplementedError("Exercise 1.3 is not done yet: write this part of the file")

    rules = checks.Exercise("1.3", "rules", lambda fn: fn(), hints="h")
    with pytest.raises(ExerciseNotDone, match=r"^Exercise 1\.3 is not done yet: the project file") as err:
        rules.check(learner_function)
    assert err.value.exercise_id == "1.3" and not rules.passed


def test_the_lab_stub_raises_the_course_error_naming_the_exercise():
    with pytest.raises(ExerciseNotDone, match=r"^Exercise 0\.2 is not done yet") as err:
        mc.todo("0.2")
    assert err.value.exercise_id == "0.2"



def test_call_learner_turns_a_crash_into_a_sentence_and_lets_the_stub_through():
    def crash(x):
        raise KeyError("amount_inr")

    def stub(x):
        raise NotImplementedError("Exercise 1.3 is not done yet")

    with pytest.raises(Wrong, match=r"^calling f\(\.\.\.\) raised KeyError: 'amount_inr'; see the column\.$"):
        checks.call_learner(crash, "f", 1, advice=lambda err: "; see the column")
    with pytest.raises(NotImplementedError):
        checks.call_learner(stub, "f", 1)
    with pytest.raises(Wrong, match="`f` should be a function"):
        checks.call_learner(None, "f")
    assert checks.call_learner(lambda x, y=0: x + y, "f", 1, y=2) == 3
