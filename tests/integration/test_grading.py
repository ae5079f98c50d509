"""`python -m mlops_course check NOTEBOOK`: an instructor's report on a learner's exercises.

Each test grades a real lab 00 notebook in a separate process, with a real kernel.
"""

import json
import os
import re
import subprocess
import sys
import textwrap

from mlops_course import workspace

ROOT = workspace.course_root()
# What the grader used to look for in the printed text: a reworded success sentence must not match it.
OLD_SUCCESS_PATTERN = re.compile(r"Exercise (\d+\.\d+) \(.*\): correct")


def check(path, **env):
    return subprocess.run([sys.executable, "-m", "mlops_course", "check", str(path)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env})


def contents(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_a_finished_notebook_has_every_exercise_correct(ws):
    before = contents(ws)
    res = check(ROOT / "solutions" / "00_setup.ipynb")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Lab 00-setup: 2 of 2 exercises correct." in res.stdout
    assert contents(ws) == before, "the learner's own workspace must not be touched"


def test_an_untouched_lab_reports_not_done_and_not_reached(ws):
    res = check(ROOT / "labs" / "00_setup.ipynb")
    assert res.returncode == 1
    assert "exercise 0.1: not done" in res.stdout and "exercise 0.2: not reached" in res.stdout
    assert "stopped at: ExerciseNotDone: Exercise 0.1 is not done yet" in res.stdout


def learner_lab(tmp_path, answers):
    """Lab 00 as a learner would hand it in: each stub `mc.todo("<id>")` replaced by their code."""
    lab = json.loads((ROOT / "labs" / "00_setup.ipynb").read_text())
    for cell in lab["cells"]:
        src = "".join(cell["source"])
        for ex_id, code in answers.items():
            src = src.replace(f'mc.todo("{ex_id}")', code)
        cell["source"] = src
    learner = tmp_path / "00_setup.ipynb"
    learner.write_text(json.dumps(lab))
    return learner


def test_an_incorrect_answer_is_reported_with_its_message(ws, tmp_path):
    # a README that forgets to say what the project is about
    res = check(learner_lab(tmp_path, {"0.1": 'readme = workspace.project_dir() / "README.md"\n'
                                              'readme.write_text("# my project\\n")'}))
    assert res.returncode == 1, res.stdout + res.stderr
    assert "exercise 0.1: incorrect (the README exists but does not mention UPI" in res.stdout
    assert "exercise 0.2: not reached" in res.stdout


def test_a_typed_in_status_is_not_a_health_probe(ws, tmp_path):
    """Exercise 0.2 asks for a function; one that answers 200 whatever it is asked is reported incorrect."""
    res = check(learner_lab(tmp_path, {"0.1": 'readme = workspace.project_dir() / "README.md"\n'
                                              'readme.write_text("# UPI fraud\\n")',
                                       "0.2": "return 200"}))
    assert res.returncode == 1, res.stdout + res.stderr
    assert "exercise 0.1: correct" in res.stdout
    assert "exercise 0.2: incorrect (health() returned 200 for a server that answered 503" in res.stdout


def test_rewording_the_success_sentence_does_not_change_the_report(ws, tmp_path):
    """The kernel that runs the notebook gets another CORRECT_TEMPLATE through an IPython startup file."""
    log = tmp_path / "said.txt"
    startup = tmp_path / "ipython" / "profile_default" / "startup" / "00-reword.py"
    startup.parent.mkdir(parents=True)
    startup.write_text(textwrap.dedent(f"""
        from mlops_course import checks

        class Logged(str):
            def format(self, *args, **kwargs):
                text = str.format(self, *args, **kwargs)
                with open({str(log)!r}, "a") as said:
                    said.write(text + "\\n")
                return text

        checks.CORRECT_TEMPLATE = Logged("{{icon}} Well done: {{title}} works ({{exercise_id}}). {{detail}}")
    """))
    res = check(ROOT / "solutions" / "00_setup.ipynb", IPYTHONDIR=str(tmp_path / "ipython"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Lab 00-setup: 2 of 2 exercises correct." in res.stdout
    said = log.read_text().splitlines()
    assert len(said) == 2 and all("Well done" in line for line in said), said
    assert not any(OLD_SUCCESS_PATTERN.search(line) for line in said), "the old grader would have found these"


def test_a_missing_notebook_is_one_sentence(ws, tmp_path):
    res = check(tmp_path / "00_setup.ipynb")
    assert res.returncode == 1 and "does not exist" in res.stderr and "Traceback" not in res.stderr
