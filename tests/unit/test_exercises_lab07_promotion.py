"""Exercises 7.4 and 7.5's checks (promotion and rollback) pass the reference promotion.py and name each typical
mistake.

Each wrong variant is the reference file with one substitution, loaded as a module of its own; the checks run it
on new MLflow registries in temporary folders (mlops_course/exercises/_lab07_promotion.py).
"""

from __future__ import annotations

import re

import pytest
import reference_project
from upi_fraud.loop import promotion

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab07

PROMOTION = "src/upi_fraud/loop/promotion.py"
KEEP = ("    if replaced is not None:\n        client.set_registered_model_alias(model_name, PREVIOUS, replaced)  "
        "# first: a rollback target, kept\n")
MOVE = ("    client.set_registered_model_alias(model_name, CHAMPION, str(version))  # the move the service follows\n")


def test_the_reference_passes_both_checks(capsys):
    lab07.promote.check(promotion)
    lab07.rollback.check(promotion)
    out = capsys.readouterr().out
    assert "previous_champion" in out and "a second rollback refuses" in out


def test_the_lab_stub_is_not_done(tmp_path):
    stub = reference_project.lab_stub(tmp_path, PROMOTION)
    with pytest.raises(ExerciseNotDone):
        lab07.promote.check(stub)
    with pytest.raises(ExerciseNotDone):
        lab07.rollback.check(stub)


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("    if waiting != str(version):\n", "    if False:\n")], "promote accepted version 3 while the challenger is 2"),
        ([(KEEP, "")], "after promoting 2 over 1, previous_champion names None"),
        ([(KEEP + MOVE, MOVE + KEEP)], "the champion moved before previous_champion was kept"),
        ([("    client.delete_registered_model_alias(model_name, CHALLENGER)\n", "")],
         "after the promotion the alias challenger still names version 2"),
        ([("    return replaced\n", "    return str(version)\n")], "promote returned '2'"),
        ([("    client.set_model_version_tag(model_name, str(version), \"promoted_because\", reason)\n", "")],
         "version 2's tags are"),
        ([("    waiting = alias_version(client, model_name, CHALLENGER)\n",
           "    waiting = str(client.get_model_version_by_alias(model_name, CHALLENGER).version)\n")],
         "calling promote(...) raised MlflowException"),
    ],
)
def test_a_typical_promotion_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, PROMOTION, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab07.promote.check(wrong)


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("    client.delete_registered_model_alias(model_name, PREVIOUS)\n", "")], "a second rollback went through"),
        ([("    return previous\n", "    return bad or previous\n")], "rollback returned '2'"),
        ([("        client.set_model_version_tag(model_name, bad, \"rolled_back_because\", reason)\n", "")],
         "version 2's tags are"),
        ([("    previous = alias_version(client, model_name, PREVIOUS)\n",
           "    previous = str(client.get_model_version_by_alias(model_name, PREVIOUS).version)\n")],
         "calling rollback(...) raised MlflowException"),
        ([("client.set_registered_model_alias(model_name, CHAMPION, previous)",
           "client.set_registered_model_alias(model_name, PREVIOUS, bad)")],
         "after the rollback the alias champion names 2"),
    ],
)
def test_a_typical_rollback_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, PROMOTION, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab07.rollback.check(wrong)
