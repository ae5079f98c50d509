"""Model tests: is this model worth serving? (given in lab 05)

The quality gate on the frame (conftest.py's fixtures `under_test` and `frame`): rupees above the rules
baseline, recall per fraud type at the daily budget, and good customers stopped alike in each city tier.
Whether it behaves like a fraud model is tests/test_behaviour.py's question. The same tests judge the
champion (`pytest tests`), the model CI just trained (`make ci`) and every challenger of continuous training.
"""

from __future__ import annotations

import os
import warnings

import pytest

from upi_fraud import features, rules, rupees
from upi_fraud.validation import behaviour
from upi_fraud.validation.judging import Frame, UnderTest, load
from upi_kit import data

#: The model must save this share more than the rules baseline, in rupees, on the same frame; judged only when
#: the frame has MIN_FRAUDS labelled frauds (at the small ci size July has 7: no test can tell two models apart).
MARGIN_OVER_RULES, MIN_FRAUDS = 0.05, 30
#: Recall under the daily budget, per fraud type, for the types with at least MIN_CASES labelled frauds: at least
#: RECALL_FLOOR, or at least the champion's on the same frame when CHAMPION_URI names one (CT sets it: a challenger
#: that matches the champion on a type the champion itself catches poorly is no worse than what is live).
RECALL_FLOOR, MIN_CASES = 0.25, 20


@pytest.fixture(scope="module")
def floors(upi: data.UPIData, under_test: UnderTest, frame: Frame) -> dict[str, float]:
    """The recall each fraud type must reach: RECALL_FLOOR, or the champion's recall when it is lower."""
    kinds = frame.part["fraud_type"].astype(str).unique()
    if not os.environ.get("CHAMPION_URI"):
        return dict.fromkeys(kinds, RECALL_FLOOR)
    champion = load(os.environ["CHAMPION_URI"])
    X = frame.X if champion.feature_set == under_test.feature_set else features.model_inputs(upi, champion.feature_set)
    scores = champion.predict(X.loc[frame.part.index])
    theirs = rupees.recall_by_typology(frame.part, scores)
    return {kind: min(RECALL_FLOOR, theirs.get(kind, RECALL_FLOOR)) for kind in kinds}


def test_saves_more_rupees_than_the_rules_baseline(upi: data.UPIData, frame: Frame) -> None:
    part = frame.part
    frauds = int(part["is_fraud"].sum())
    if frauds < MIN_FRAUDS:
        warnings.warn(f"rupees vs the rules not judged: {frauds} labelled frauds in this frame (need {MIN_FRAUDS})",
                      stacklevel=1)
        return
    model = rupees.rupee_value(part, frame.scores).net_value_inr
    baseline = rupees.rupee_value(part, rules.rules_score(part, upi.customers).astype(float)).net_value_inr
    needed = baseline + MARGIN_OVER_RULES * abs(baseline)
    assert model > needed, (f"the model's net value ₹{model:,.0f} is not above the rules' ₹{baseline:,.0f} plus "
                            f"{MARGIN_OVER_RULES:.0%}: a model that does not beat three rules is not worth serving")


def test_catches_each_well_labelled_fraud_type(frame: Frame, floors: dict[str, float]) -> None:
    part = frame.part
    counts = part.loc[part["is_fraud"] == 1, "fraud_type"].astype(str).value_counts()
    judged = counts[counts >= MIN_CASES].index
    if len(judged) < len(counts):
        warnings.warn(f"recall not judged for {', '.join(counts[counts < MIN_CASES].index)}: fewer than "
                      f"{MIN_CASES} labelled frauds in this frame", stacklevel=1)
    recall = rupees.recall_by_typology(part, frame.scores)
    low = {kind: f"{recall[kind]:.0%} < {floors[kind]:.0%}" for kind in judged if recall[kind] < floors[kind]}
    assert not low, f"recall under the daily budget below its floor (RECALL_FLOOR, or the champion's) for {low}"


def test_good_customers_in_each_city_tier_are_stopped_alike(frame: Frame) -> None:
    part = frame.part
    overall, rates = behaviour.slice_rates(frame.scores >= frame.threshold, part["is_fraud"] == 0, part["city_tier"])
    bad = rates[~rates["ok"]]
    assert bad.empty, (f"false-alert rate {overall:.2%} overall, but per city tier "
                       f"{bad['rate'].map('{:.2%}'.format).to_dict()}: outside the binomial band")
