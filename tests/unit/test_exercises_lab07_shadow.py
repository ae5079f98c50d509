"""Exercise 7.3's check (the shadow week's judgement) passes the reference shadow.py and names each typical mistake.

Each wrong variant is the reference file with one substitution, loaded as a module of its own; the check runs it
on crafted weeks (mlops_course/exercises/_lab07_shadow.py).
"""

from __future__ import annotations

import re

import pytest
import reference_project
from upi_fraud.loop import shadow

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab07

SHADOW = "src/upi_fraud/loop/shadow.py"


def test_the_reference_passes(capsys):
    lab07.shadow.check(shadow.judge)
    assert "Right on 4 crafted weeks" in capsys.readouterr().out


def test_the_lab_stub_is_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone):
        lab07.shadow.check(reference_project.lab_stub(tmp_path, SHADOW).judge)


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("champ = champion[\"alert\"].reindex(shadow.index)", "champ = pd.Series(champion[\"alert\"].to_numpy(), "
           "index=shadow.index)")], "agreement is"),
        ([("ok=scored_all and rate <= allowed_alert_rate", "ok=rate <= allowed_alert_rate")],
         "on a week where the challenger missed 3 payments, ok is True"),
        ([("rate <= allowed_alert_rate", "rate < allowed_alert_rate")],
         "on a week where its alert rate is exactly the allowed rate, ok is False"),
        ([("(rows[\"label_available_at\"] < end)", "(rows[\"label_available_at\"] <= end)")],
         "frauds_known is"),
        ([("known = rows[\"is_fraud\"].astype(bool) & (rows[\"label_available_at\"] < end)",
           "known = rows[\"is_fraud\"].astype(bool)")], "frauds_known is"),
        ([("caught_known=int((known & metrics.reviewed(rows[\"event_timestamp\"], shadow[\"alert\"])).sum())",
           "caught_known=int((known & shadow[\"alert\"].astype(bool)).sum())")],
         "caught_known is"),
    ],
)
def test_a_typical_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, SHADOW, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab07.shadow.check(wrong.judge)
