"""The closed loop's story claims, as checks of the figures lab 07 prints (`loop figures: {...}`).

The same claims hold at every size the loop promotes at: tests/unit/test_lab07_story.py checks them on the committed
default-size run, tests/course/test_loop_chain.py on a fresh run of the `loop` chain (course.yml `chains`). Each
claim takes the figures and fails with what broke; the default run's targets (the gain's interval, the share of the
oracle) stay in the unit test, since they are about that run's size.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
from upi_kit import story

INCIDENTS = (story.PAISE_INCIDENT.start, story.NULL_OS_INCIDENT.start)
Figures = dict[str, Any]


def _ist(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert(story.TIMEZONE)


def incident_weeks_page_and_nothing_else_does(figures: Figures) -> None:
    weeks = figures["weeks"]
    for start in INCIDENTS:
        assert weeks[str(start)]["status"] == "INCIDENT", start
        assert weeks[str(start)]["action"] == "page", start
    false_pages = [w for w, r in weeks.items() if r["action"] == "page" and date.fromisoformat(w) not in INCIDENTS]
    assert not false_pages, f"paged in weeks with no incident: {false_pages}"


def the_festive_season_is_never_a_reason_to_retrain(figures: Figures) -> None:
    festive = [w for w in figures["weeks"] if story.FESTIVE_START <= date.fromisoformat(w) <= story.FESTIVE_END]
    assert festive
    for week in festive:  # the new scam runs inside the season: a retrain there must come from the labels
        row = figures["weeks"][week]
        if row["action"] == "retrain":
            assert any(check.startswith("recall:") for check in row["checks"]), row
        if row["status"] == "WARN":  # drift alone: nothing to do
            assert row["action"] == "none", row


def every_retrain_follows_the_new_scams_labels_and_quarantines_the_incident_weeks(figures: Figures) -> None:
    assert figures["ct"], "the loop never retrained"
    for run in figures["ct"]:
        as_of = _ist(run["as_of"])
        assert as_of.date() > story.NEW_SCAM_START, run["as_of"]
        assert str(story.PAISE_INCIDENT.start) in run["quarantined"], run
        if as_of.date() > story.NULL_OS_INCIDENT.end:
            assert str(story.NULL_OS_INCIDENT.start) in run["quarantined"], run


def a_promotion_follows_a_passed_gate_and_a_good_shadow_week_that_counted(figures: Figures) -> None:
    weeks = figures["weeks"]
    promoted = [w for w, r in weeks.items() if r["action"] == "promote"]
    assert promoted, "no challenger was promoted"
    assert len(promoted) <= sum(run["gate_passed"] for run in figures["ct"])
    counted = {s["week"]: s for s in figures["shadow"] if s.get("counted", True)}
    for week in promoted:  # shadowed that week, promoted at its end, after a CT run that passed before it began
        assert week in counted and counted[week]["ok"], week
        assert any(run["gate_passed"] and _ist(run["as_of"]).date().isoformat() <= week for run in figures["ct"])
    for run in figures["ct"]:
        if not run["gate_passed"]:  # a refused challenger: nothing shadows the next week
            judged = (_ist(run["as_of"]) - pd.Timedelta(days=7)).date().isoformat()
            assert "retrain" in (weeks[judged]["action"], weeks[judged].get("then")), judged
            assert not any(s["week"] == run["as_of"][:10] for s in figures["shadow"]), run["as_of"]


def a_shadow_in_an_incident_week_does_not_count_and_runs_again(figures: Figures) -> None:
    for shadow in figures["shadow"]:
        incident = date.fromisoformat(shadow["week"]) in INCIDENTS
        assert shadow.get("counted", True) is not incident, shadow
        if incident:
            after = (pd.Timestamp(shadow["week"]) + pd.Timedelta(days=7)).date().isoformat()
            assert figures["weeks"][shadow["week"]]["action"] == "page"
            assert any(s["week"] == after and s.get("counted", True) for s in figures["shadow"]), after


def while_the_trigger_holds_the_loop_retrains_every_week(figures: Figures) -> None:
    """Once a challenger is promoted or dropped in a week that still asks to retrain, CT runs the same Monday."""
    settled = [(w, r) for w, r in figures["weeks"].items() if r["action"] in ("promote", "drop")]
    assert settled
    for week, row in settled:
        asks = any(c.startswith("recall:") for c in row["checks"])
        assert (row.get("then") == "retrain") == asks, (week, row)


def the_loop_catches_more_of_the_new_scam_than_the_frozen_model_after_its_first_promotion(figures: Figures) -> None:
    scam = figures["summary"]["new_scam"]
    assert scam["frozen"]["after"]["cases"] == scam["loop"]["after"]["cases"] > 0
    assert scam["loop"]["after"]["recall"] > scam["frozen"]["after"]["recall"]
    assert scam["loop"]["before"] == scam["frozen"]["before"]  # the same model until the first promotion


def frozen_and_loop_saw_the_same_payments_and_the_loop_gained(figures: Figures) -> None:
    frozen, looped = figures["summary"]["frozen"], figures["summary"]["loop"]
    assert frozen["payments"] == looped["payments"] > 0 and frozen["frauds"] == looped["frauds"]
    gain = figures["summary"]["gain_inr"]
    assert abs(gain - (looped["net_inr"] - frozen["net_inr"])) <= 0.01
    assert abs(figures["worth"]["gain"]["loop"]["gain_inr"] - gain) <= 0.01
    assert gain > 0, f"the loop lost ₹{-gain:,.0f} against the frozen model"


def the_swap_and_the_rollback_dropped_no_request(figures: Figures) -> None:
    for name, drill in figures["drills"].items():
        assert drill["failed"] == 0 and drill["monotone"] and drill["old_to_new"] and drill["requests"] > 100, name


def both_arms_keep_the_review_budget_outside_the_paise_week(figures: Figures) -> None:
    # the weekly recalibration (serving/budget.py) runs in both arms; only the paise week alerts past capacity
    assert figures["summary"]["weeks_over_budget"] == {"frozen": 1, "loop": 1}


CLAIMS: dict[str, Callable[[Figures], None]] = {f.__name__: f for f in (
    incident_weeks_page_and_nothing_else_does,
    the_festive_season_is_never_a_reason_to_retrain,
    every_retrain_follows_the_new_scams_labels_and_quarantines_the_incident_weeks,
    a_promotion_follows_a_passed_gate_and_a_good_shadow_week_that_counted,
    a_shadow_in_an_incident_week_does_not_count_and_runs_again,
    while_the_trigger_holds_the_loop_retrains_every_week,
    the_loop_catches_more_of_the_new_scam_than_the_frozen_model_after_its_first_promotion,
    frozen_and_loop_saw_the_same_payments_and_the_loop_gained,
    the_swap_and_the_rollback_dropped_no_request,
    both_arms_keep_the_review_budget_outside_the_paise_week,
)}
