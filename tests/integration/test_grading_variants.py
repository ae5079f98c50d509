"""The grader on typical answers, at the ci size: wrong ones are called incorrect, right variants correct.

Each case takes a lab's SOLUTION notebook, replaces one exercise's solution block with a learner's
variant (keeping the block's indent), and runs `python -m mlops_course check` on it, as an instructor
would. At the ci size several wrong methods happen to pick the same run or version as the right one;
the checks use crafted cases, so the grade must not depend on that coincidence.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from mlops_course import notebooks, workspace

ROOT = workspace.course_root()


def with_answer(notebook: str, exercise_id: str, code: str) -> dict:
    """The solution notebook with one exercise's block replaced by `code`, indented like the block."""
    nb = notebooks.read(ROOT / "solutions" / notebook)
    for cell in nb["cells"]:
        lines = notebooks.source(cell).split("\n")
        starts = [i for i, line in enumerate(lines) if line.strip() == f"### BEGIN SOLUTION {exercise_id}"]
        if not starts:
            continue
        begin = starts[0]
        end = next(i for i in range(begin, len(lines)) if lines[i].strip() == "### END SOLUTION")
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        answer = textwrap.indent(textwrap.dedent(code).strip("\n"), indent).split("\n")
        cell["source"] = "\n".join(lines[:begin] + answer + lines[end + 1:])
        return nb
    raise AssertionError(f"{notebook} has no exercise {exercise_id}")


def grade(tmp_path, notebook: str, exercise_id: str, code: str) -> str:
    learner = tmp_path / notebook
    learner.write_text(json.dumps(with_answer(notebook, exercise_id, code)))
    res = subprocess.run([sys.executable, "-m", "mlops_course", "check", str(learner)], capture_output=True,
                         text=True, timeout=900, env=os.environ.copy())
    line = next((ln for ln in res.stdout.splitlines() if ln.strip().startswith(f"exercise {exercise_id}:")), "")
    return line + "\n" + res.stdout[-2000:] + res.stderr[-2000:]


CASES = [
    pytest.param("01_problem_and_data.ipynb", "1.2", """
        day = tx["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date
        train = tx[day <= story.TRAIN_END].reset_index(drop=True)
        valid = tx[(day > story.TRAIN_END) & (day <= story.VALID_END)].reset_index(drop=True)
        test = tx[(day > story.VALID_END) & (day <= story.TEST_END)].reset_index(drop=True)
        return train, valid, test
        """, "correct", id="1.2 with reset_index is a right variant"),
    pytest.param("01_problem_and_data.ipynb", "1.2", """
        day = tx["event_timestamp"].dt.date
        return (tx[day <= story.TRAIN_END], tx[(day > story.TRAIN_END) & (day <= story.VALID_END)],
                tx[(day > story.VALID_END) & (day <= story.TEST_END)])
        """, "incorrect", id="1.2 by UTC dates"),
    pytest.param("02_experiment_tracking.ipynb", "2.2", """
        ok = runs[runs["tags.candidate"] == "yes"]
        return str(ok.sort_values("metrics.valid_pr_auc", ascending=False)["run_id"].iloc[0])
        """, "incorrect", id="2.2 best run by PR-AUC"),
    pytest.param("02_experiment_tracking.ipynb", "2.3", """
        latest = max(client.search_model_versions(f"name = '{model_name}'"), key=lambda mv: int(mv.version))
        client.set_registered_model_alias(model_name, "champion", latest.version)
        return str(latest.version)
        """, "incorrect", id="2.3 alias on the latest version"),
]


@pytest.mark.parametrize(("notebook", "exercise_id", "code", "expected"), CASES)
def test_the_grader_on_typical_answers(ws, tmp_path, notebook, exercise_id, code, expected):
    report = grade(tmp_path, notebook, exercise_id, code)
    assert report.lstrip().startswith(f"exercise {exercise_id}: {expected}"), report
