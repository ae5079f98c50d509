"""The command line: python -m mlops_course {build-labs,run,status,reset}."""

import re
import shutil
import subprocess
import sys

import pytest

from mlops_course import notebooks, workspace

ROOT = workspace.course_root()


def cli(*args, env=None, input_text=None):
    import os

    return subprocess.run([sys.executable, "-m", "mlops_course", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, input=input_text, timeout=120)


@pytest.fixture
def course_copy(tmp_path):
    """A copy of the course's manifest, solutions and labs, to edit freely."""
    copy = tmp_path / "course"
    copy.mkdir()
    for name in ("course.yml", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    for folder in ("solutions", "labs"):
        shutil.copytree(ROOT / folder, copy / folder)
    (copy / "project").symlink_to(ROOT / "project")  # the reference the exercise cells come from, read only
    return copy


def test_build_labs_check_fails_after_a_solution_edit_until_labs_are_rebuilt(course_copy):
    env = {"MLOPS_COURSE_ROOT": str(course_copy)}
    assert cli("build-labs", "--check", env=env).returncode == 0
    sol = course_copy / "solutions" / "00_setup.ipynb"
    nb = notebooks.read(sol)
    code = next(c for c in nb["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
    code["source"] = notebooks.source(code) + "\nprint('edited')\n"
    notebooks.write(nb, sol)
    res = cli("build-labs", "--check", env=env)
    assert res.returncode == 1
    assert "labs/00_setup.ipynb is stale" in res.stdout and "make labs" in res.stdout
    assert cli("build-labs", env=env).returncode == 0
    assert cli("build-labs", "--check", env=env).returncode == 0


def test_status_lists_every_lab(ws):
    res = cli("status")
    assert res.returncode == 0
    assert f"Workspace: {ws.resolve()}" in res.stdout
    from mlops_course.manifest import course

    assert all(lab.id in res.stdout for lab in course().labs)


def test_reset_asks_and_keeps_everything_on_no(ws):
    (ws / "keep.txt").parent.mkdir(parents=True, exist_ok=True)
    (ws / "keep.txt").write_text("x")
    res = cli("reset", input_text="n\n")
    assert res.returncode == 1 and "Nothing deleted" in res.stdout
    assert (ws / "keep.txt").exists()
    res = cli("reset", "--yes")
    assert res.returncode == 0 and not (ws / "keep.txt").exists()


def test_run_an_unknown_lab_says_which_exist(ws):
    res = cli("run", "42-nope")
    assert res.returncode == 1
    assert "There is no lab '42-nope': choose one of 00-setup" in res.stderr


def test_unknown_options_are_refused():
    res = cli("status", "--colour")
    assert res.returncode == 2 and "unrecognized arguments: --colour" in res.stderr


def test_a_broken_manifest_is_one_sentence_not_a_traceback(course_copy):
    data = re.sub(r"minutes: \d+", "minutes: twenty", (course_copy / "course.yml").read_text(), count=1)
    (course_copy / "course.yml").write_text(data)
    res = cli("status", env={"MLOPS_COURSE_ROOT": str(course_copy)})
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "course.yml is invalid at labs[0].minutes: Input should be a valid integer, unable to parse string as an integer; "
        "fix that field and try again."
    )
    assert "Traceback" not in res.stderr
