"""Catch-up: missing earlier labs are run once, in order; completed ones are skipped."""

import json

import pytest

from mlops_course import catchup, manifest, notebooks, workspace
from mlops_course.catchup import CatchUpError

LAB_SOURCE = """
import mlops_course as mc
from mlops_course import workspace
with open(workspace.path("runs.log"), "a") as f:
    f.write("{lab_id} " + str(SIZE) + "\\n")
{extra}
mc.complete("{lab_id}", size=SIZE)
"""


def write_course(root, fail_lab=None):
    labs = []
    for i, name in enumerate(["a", "b", "c"]):
        lab_id = f"0{i}-{name}"
        labs.append({
            "id": lab_id, "title": name.upper(), "layer": "x", "notebook": f"0{i}_{name}.ipynb",
            "status": "built", "minutes": 1, "ci_seconds": 30, "objectives": ["o"],
            "requires": [labs[-1]["id"]] if labs else [], "parameters": {"ci": {"SIZE": "ci"}},
        })
        extra = "raise ValueError('broken on purpose')" if lab_id == fail_lab else ""
        nb = {"cells": [
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "SIZE = 'default'", "outputs": [], "execution_count": None},
            {"cell_type": "code", "metadata": {}, "source": "from mlops_course import workspace\nPROJECT = workspace.project_dir()",
             "outputs": [], "execution_count": None},
            {"cell_type": "code", "metadata": {}, "source": f"%%writefile {{PROJECT}}/{name}.py\nWHO = 'reference'\n",
             "outputs": [], "execution_count": None},
            {"cell_type": "code", "metadata": {}, "source": LAB_SOURCE.format(lab_id=lab_id, extra=extra), "outputs": [], "execution_count": None},
        ], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 4}
        (root / "solutions").mkdir(exist_ok=True)
        notebooks.write(nb, root / "solutions" / f"0{i}_{name}.ipynb")
    (root / "course.yml").write_text(json.dumps({"course": {"title": "T", "version": "1"}, "labs": labs}))


@pytest.fixture
def fake_course(tmp_path, ws, monkeypatch):
    root = tmp_path / "course"
    root.mkdir()
    write_course(root)
    monkeypatch.setenv("MLOPS_COURSE_ROOT", str(root))
    manifest.course.cache_clear()
    yield root
    manifest.course.cache_clear()


def runs():
    log = workspace.root() / "runs.log"
    return log.read_text().split("\n")[:-1] if log.exists() else []


def test_require_runs_missing_prerequisites_once_in_order(fake_course, capsys):
    ran = catchup.require("01-b", size="ci")
    assert ran == ["00-a", "01-b"]
    assert runs() == ["00-a ci", "01-b ci"]
    out = capsys.readouterr().out
    assert "Catching up: running 2 earlier lab(s) at size 'ci'" in out
    assert "ran 00-a (A)" in out and "ran 01-b (B)" in out
    # Second call: nothing to do, nothing re-run.
    assert catchup.require("01-b", size="ci") == []
    assert runs() == ["00-a ci", "01-b ci"]
    assert "Prerequisites complete in this workspace: 00-a, 01-b." in capsys.readouterr().out


def test_require_skips_completed_labs(fake_course):
    catchup.complete("00-a", size="manual")
    assert catchup.require("02-c", size="ci") == ["01-b", "02-c"]
    assert runs() == ["01-b ci", "02-c ci"]
    assert catchup.completion("02-c")["produced"] == {"size": "ci"}


def test_a_failing_prerequisite_stops_with_one_clear_sentence(fake_course):
    write_course(fake_course, fail_lab="01-b")
    with pytest.raises(CatchUpError) as err:
        catchup.require("02-c", size="ci")
    message = str(err.value)
    assert message.startswith("Catch-up stopped: lab 01-b failed at cell")
    assert "ValueError: broken on purpose" in message
    assert catchup.is_complete("00-a") and not catchup.is_complete("01-b") and not catchup.is_complete("02-c")


def test_unknown_lab_is_refused_with_the_valid_ids(fake_course):
    with pytest.raises(manifest.ManifestError, match="choose one of 00-a, 01-b, 02-c"):
        catchup.require("09-zzz")


def test_complete_records_what_the_lab_produced(fake_course, capsys):
    catchup.complete("00-a", model_version=3, path=workspace.root() / "x")
    record = catchup.completion("00-a")
    assert record["lab"] == "00-a"
    assert record["produced"] == {"model_version": 3, "path": "workspace/x"}  # as the learner sees it
    assert "Lab 00-a is complete" in capsys.readouterr().out
    assert [(lab.id, bool(m)) for lab, m in catchup.status()] == [("00-a", True), ("01-b", False), ("02-c", False)]


def test_planned_labs_cannot_be_caught_up(fake_course):
    data = json.loads((fake_course / "course.yml").read_text())
    data["labs"][0]["status"] = "planned"
    (fake_course / "course.yml").write_text(json.dumps(data))
    manifest.course.cache_clear()
    with pytest.raises(CatchUpError, match="00-a is not built yet"):
        catchup.require("01-b")


def test_catch_up_never_replaces_a_project_file_the_learner_wrote(fake_course):
    mine = workspace.project_dir() / "b.py"
    mine.write_text("WHO = 'me'\n")
    with pytest.raises(CatchUpError, match=r"would replace workspace/project/b\.py, which you wrote"):
        catchup.require("02-c", size="ci")
    assert mine.read_text() == "WHO = 'me'\n" and runs() == []


def test_catch_up_may_rewrite_a_file_that_already_holds_the_reference_text(fake_course):
    (workspace.project_dir() / "b.py").write_text("WHO = 'reference'\n")
    assert catchup.require("01-b", size="ci") == ["00-a", "01-b"]


def test_a_workspace_keeps_its_data_size(fake_course):
    catchup.complete("00-a", data_size="ci")
    with pytest.raises(CatchUpError, match="ran at data size 'ci' in this workspace, but this run asks for 'default'"):
        catchup.require("01-b", size="default")
    assert runs() == []
