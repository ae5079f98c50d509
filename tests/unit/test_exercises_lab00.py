"""Lab 00's checks accept the right answers and explain the common wrong ones.

Exercise 0.2's check asks the learner's function about tiny HTTP servers it starts itself (threads on
127.0.0.1, milliseconds); the MLflow UI is stood in for by one of those servers.
"""

import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest

import mlops_course as mc
from mlops_course import services, workspace
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab00


class TestReadme:
    def test_right(self, ws, capsys):
        readme = workspace.project_dir() / "README.md"
        readme.write_text("# UPI fraud project\n")
        lab00.project_readme.check(readme)
        assert "correct" in capsys.readouterr().out

    @pytest.mark.parametrize(
        ("setup", "message"),
        [
            ("none", "`readme` is still None"),
            ("elsewhere", "should be README.md directly inside your project, workspace/project"),
            ("missing", "the file does not exist yet"),
            ("no-upi", "does not mention UPI"),
            ("wrong-name", "call it README.md"),
        ],
    )
    def test_wrong(self, ws, setup, message):
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


def right_health(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


@pytest.fixture
def ui():
    """A stand-in for the running MLflow UI: answers 200 at /health."""
    with lab00.serving(200) as url:
        yield SimpleNamespace(running=True, url=url)


def test_health_right(ui, capsys):
    lab00.health.check(right_health, ui)
    assert "correct" in capsys.readouterr().out


def test_health_right_with_the_course_helper(ui, capsys):
    lab00.health.check(services.http_status, ui)
    assert "correct" in capsys.readouterr().out


def test_a_constant_200_is_not_a_probe(ui):
    with pytest.raises(ExerciseIncorrect, match="returned 200 for a server that answered 503: return the status"):
        lab00.health.check(lambda url: 200, ui)


def test_raising_where_nothing_listens_is_named(ui):
    def no_except_for_refused(url):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    with pytest.raises(ExerciseIncorrect, match="raised URLError for a port where nothing listens.*return None"):
        lab00.health.check(no_except_for_refused, ui)


def test_raising_on_an_error_status_is_named(ui):
    def plain_urlopen(url):
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status

    with pytest.raises(ExerciseIncorrect, match="raised HTTPError for a server that answered 503.*its .code"):
        lab00.health.check(plain_urlopen, ui)


def test_none_for_an_error_status_is_named(ui):
    def none_on_any_error(url):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status
        except Exception:
            return None

    with pytest.raises(ExerciseIncorrect, match="returned None for a server that answered 503: the server is up"):
        lab00.health.check(none_on_any_error, ui)


def test_true_false_is_not_a_status(ui):
    with pytest.raises(ExerciseIncorrect, match="return the HTTP status as an int"):
        lab00.health.check(lambda url: right_health(url) == 200, ui)


def test_a_value_instead_of_a_function_is_explained(ui):
    with pytest.raises(ExerciseIncorrect, match="should be a function that takes a URL"):
        lab00.health.check(200, ui)


def test_a_stopped_ui_is_explained():
    with pytest.raises(ExerciseIncorrect, match="the MLflow UI is not running any more"):
        lab00.health.check(right_health, SimpleNamespace(running=False, url="http://127.0.0.1:1"))


def test_the_lab_stub_inside_the_function_is_not_done(ui):
    def stub(url):
        mc.todo("0.2")

    with pytest.raises(ExerciseNotDone, match=r"^Exercise 0\.2 is not done yet"):
        lab00.health.check(stub, ui)


def test_the_test_servers_are_stopped_after_the_check(ui):
    with lab00.serving(503) as url:
        assert services.http_status(url + "/health") == 503
    assert services.http_status(url + "/health") is None
