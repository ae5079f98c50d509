"""`python -m mlops_course check NOTEBOOK`: an instructor's report on a learner's exercises."""

import os
import subprocess
import sys

from mlops_course import workspace

ROOT = workspace.course_root()


def check(path):
    return subprocess.run([sys.executable, "-m", "mlops_course", "check", str(path)], capture_output=True, text=True,
                          timeout=300, env=os.environ.copy())


def test_a_finished_notebook_has_every_exercise_correct(ws):
    res = check(ROOT / "solutions" / "00_setup.ipynb")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Lab 00-setup: 2 of 2 exercises correct." in res.stdout
    assert not ws.exists() or not any(ws.iterdir()), "the learner's own workspace must not be touched"


def test_an_untouched_lab_reports_not_done_and_not_reached(ws):
    res = check(ROOT / "labs" / "00_setup.ipynb")
    assert res.returncode == 1
    assert "exercise 0.1: not done" in res.stdout and "exercise 0.2: not reached" in res.stdout
    assert "stopped at: ExerciseNotDone: Exercise 0.1 is not done yet" in res.stdout


def test_a_missing_notebook_is_one_sentence(ws, tmp_path):
    res = check(tmp_path / "00_setup.ipynb")
    assert res.returncode == 1 and "does not exist" in res.stderr and "Traceback" not in res.stderr
