"""The model card: a short page a person can read to approve, veto or audit a CT decision (given in lab 05).

It goes into the run's artifacts and becomes the version's description in the registry: the data window,
the quarantined batches, both models' value and recall by fraud type on the same holdout, the model
tests, and the decision with its reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from upi_kit import story

if TYPE_CHECKING:
    from upi_fraud.ct.plan import Plan
    from upi_fraud.ct.run import Decision


@dataclass(frozen=True)
class Recipe:
    """How CT trains and judges: the recency weighting, and the gate's margin and minimum of known frauds."""

    half_life_days: float
    floor: float
    margin_inr: float
    min_frauds: int


def _ist(stamp: pd.Timestamp) -> pd.Timestamp:
    return stamp.tz_convert(story.TIMEZONE)


def _recall(recall: dict[str, float]) -> str:
    return json.dumps({k: round(v, 2) for k, v in recall.items()})


def model_card(model_name: str, plan: Plan, decision: Decision, recipe: Recipe) -> str:
    """A short markdown card: data window, quarantined batches, metrics, recall by type, the decision and why."""
    c, h = decision.challenger, plan.holdout
    champion = ("none" if decision.champion_value is None else
                f"net value ₹{decision.champion_value:,.0f}, recall by type {_recall(decision.champion_recall)}")
    lines = [f"# {model_name} version {decision.version}: {decision.decision}", "",
             f"- Trained as of **{plan.as_of:%Y-%m-%d %H:%M %Z}** ({decision.why_run}).",
             f"- Data window: {_ist(plan.train['event_timestamp'].min()):%Y-%m-%d} to {plan.holdout_start:%Y-%m-%d} "
             f"(IST, end excluded), {len(plan.train):,} payments, {int(plan.labels.sum())} frauds known then, recent "
             f"payments weighted more (half-life {recipe.half_life_days:g} days, never below {recipe.floor:g}).",
             f"- Holdout: {len(h):,} payments from {_ist(h['event_timestamp'].min()):%Y-%m-%d} to "
             f"{_ist(h['event_timestamp'].max()):%Y-%m-%d} (the last {plan.holdout_days} days, quarantined weeks left "
             f"out), {int(h['is_fraud'].sum())} frauds known by then (recent frauds may not be reported yet: both "
             "models are judged on the same labels).",
             "- Quarantined batches: " + ("none" if plan.quarantined.empty else "; ".join(
                 f"week of {w}: {r}" for w, r in plan.quarantined.itertuples(index=False))),
             f"- Challenger: net value ₹{c['net_value_inr']:,.0f}, recall at budget {c['recall_at_budget']:.1%}; "
             f"recall by type {_recall(decision.recall)}",
             f"- Champion (version {decision.champion}): {champion}",
             f"- Model tests: {decision.tests} (recall per well-labelled fraud type: RECALL_FLOOR in "
             "tests/test_model.py, or the champion's on the same holdout where that is lower)",
             f"- Gate: promote only on more than ₹{recipe.margin_inr:,.0f} over the champion on this holdout, and only "
             f"when it holds at least {recipe.min_frauds} known frauds (on fewer the difference is chance).",
             f"- **Decision: {decision.decision}**: {decision.why}"]
    return "\n".join(lines) + "\n"
