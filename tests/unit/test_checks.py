"""Exercise checks: right answers pass, wrong ones get a sentence a learner understands."""

import pytest

import mlops_course as mc
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone, Wrong, exercise, require_type


@exercise("9.1", "double it", hint="multiply by two", solution="y = 2 * x")
def double(y):
    require_type(y, int, "`y`")
    if y != 42:
        raise Wrong(f"`y` is {y}, but 21 doubled is 42.")
    return "Nice."


def test_a_right_answer_prints_a_tick(capsys):
    double.check(42)
    out = capsys.readouterr().out
    assert out.startswith("\u2705 Exercise 9.1 (double it): correct. Nice.")
    assert double.passed


def test_a_wrong_answer_says_what_is_wrong_and_points_to_the_hint():
    with pytest.raises(ExerciseIncorrect) as err:
        double.check(40)
    assert str(err.value) == "Exercise 9.1 (double it) is not right yet: `y` is 40, but 21 doubled is 42. Try .hint() for a nudge."
    assert not double.passed


@pytest.mark.parametrize(("value", "message"), [(None, "`y` is still None"), ("42", "should be a int, but it is a str")])
def test_type_problems_are_explained(value, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        double.check(value)


def test_hint_and_solution_print(capsys):
    double.hint()
    double.solution()
    out = capsys.readouterr().out
    assert "Hint for exercise 9.1: multiply by two" in out
    assert "y = 2 * x" in out


def test_errors_render_as_one_friendly_line_in_jupyter():
    err = ExerciseNotDone("2.3")
    assert str(err) == "Exercise 2.3 is not done yet: write your code where the # TODO is, then run this cell again."
    assert len(err._render_traceback_()) == 1
    assert len(ExerciseIncorrect("x")._render_traceback_()) == 1


def test_the_lab_stub_raises_the_course_error_naming_the_exercise():
    with pytest.raises(ExerciseNotDone, match=r"^Exercise 0\.2 is not done yet"):
        mc.todo("0.2")


class TestLab00Checks:
    def test_readme_right(self, ws):
        from mlops_course import workspace
        from mlops_course.exercises import lab00

        readme = workspace.project_dir() / "README.md"
        readme.write_text("# UPI fraud project\n")
        lab00.project_readme.check(readme)

    @pytest.mark.parametrize(
        ("setup", "message"),
        [
            ("none", "`readme` is still None"),
            ("elsewhere", "should be README.md directly inside your project"),
            ("missing", "the file does not exist yet"),
            ("no-upi", "does not mention UPI"),
            ("wrong-name", "call it README.md"),
        ],
    )
    def test_readme_wrong(self, ws, setup, message):
        from mlops_course import workspace
        from mlops_course.exercises import lab00

        project = workspace.project_dir()
        readme = {
            "none": None,
            "elsewhere": ws / "README.md",
            "missing": project / "README.md",
            "no-upi": project / "README.md",
            "wrong-name": project / "readme.txt",
        }[setup]
        if setup in ("elsewhere", "wrong-name"):
            readme.write_text("UPI")
        if setup == "no-upi":
            readme.write_text("# my project\n")
        with pytest.raises(ExerciseIncorrect, match=message):
            lab00.project_readme.check(readme)

    @pytest.mark.parametrize(
        ("status", "running", "message"),
        [(None, True, "still None"), (404, True, "not at that path"), (500, True, "got HTTP 500"), (200, False, "not running")],
    )
    def test_health_wrong(self, status, running, message):
        from types import SimpleNamespace

        from mlops_course.exercises import lab00

        with pytest.raises(ExerciseIncorrect, match=message):
            lab00.health.check(status, SimpleNamespace(running=running))

    def test_health_right(self, capsys):
        from types import SimpleNamespace

        from mlops_course.exercises import lab00

        lab00.health.check(200, SimpleNamespace(running=True))
        assert "correct" in capsys.readouterr().out
