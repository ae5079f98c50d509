"""Exercise 7.6's check (the week's action) passes the reference actions.py and names each typical mistake.

Each wrong variant is the reference file with one substitution, loaded as a module of its own; the check runs it
on new MLflow registries with a recording retrain (mlops_course/exercises/_lab07_actions.py).
"""

from __future__ import annotations

import re

import pytest
import reference_project
from upi_fraud.loop import actions

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab07

ACTIONS = "src/upi_fraud/loop/actions.py"


def test_the_reference_passes(capsys):
    lab07.act.check(actions.act)
    assert "a promotion through your promote" in capsys.readouterr().out


def test_the_lab_stub_is_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone):
        lab07.act.check(reference_project.lab_stub(tmp_path, ACTIONS).act)


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("made = retrain(judged_at, ", "made = retrain(pd.Timestamp.now(\"UTC\"), ")], "act retrained as of"),
        ([("f\"trigger performance by upi-loop: {why}\"", "\"trigger performance by upi-loop\"")],
         "quote the RETRAIN reason's sentence"),
        ([(" if made[\"gate_passed\"] else None", "")], "after a retrain whose gate failed, state.challenger is"),
        ([("        promotion.promote(client, model_name, pending.version, reason=promotion_reason(pending),\n"
           "                          at=judged_at.isoformat())\n",
           "        client.set_registered_model_alias(model_name, promotion.CHAMPION, pending.version)\n"
           "        client.delete_registered_model_alias(model_name, promotion.CHALLENGER)\n")],
         "promote through your promotion.promote"),
        ([("        state.changes.append(Change(judged_at, pending.version))\n", "")],
         "append Change(judged_at, \"2\")"),
        ([("        client.delete_registered_model_alias(model_name, CHALLENGER)\n", "        pass\n")],
         "after \"drop\" the alias challenger still names 2"),
        ([("    state.challenger = None\n    return {action", "    return {action")],
         "after \"promote\" state.challenger is still"),
        ([("    if action not in (\"promote\", \"drop\") or pending is None:\n        return {}\n",
           "    if action not in (\"promote\", \"drop\"):\n        return {}\n")],
         "calling act(...) raised AttributeError"),
    ],
)
def test_a_typical_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, ACTIONS, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab07.act.check(wrong.act)
