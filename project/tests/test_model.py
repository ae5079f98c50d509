"""Model tests: is this model worth serving, and does it behave like a fraud model? (given in lab 05)

The same tests judge the champion (`pytest tests`), the model CI just trained (`make ci`) and every
challenger of continuous training (ct/ runs them with MODEL_URI, EVAL_FROM, EVAL_TO and LABELS_AS_OF).
Behavioural tests run over many generated inputs and are judged by a share, never by one example.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from sklearn.pipeline import Pipeline

from upi_fraud import features, rules, rupees
from upi_fraud.dates import as_of
from upi_fraud.serving import threshold
from upi_fraud.validation import behaviour, direction
from upi_kit import data, story

#: The model must save this share more than the rules baseline, in rupees, on the same frame; judged only when
#: the frame has MIN_FRAUDS labelled frauds (at the small ci size July has 7: no test can tell two models apart).
MARGIN_OVER_RULES, MIN_FRAUDS = 0.05, 30
#: Recall under the daily budget, per fraud type, for the types with at least MIN_CASES labelled frauds: at least
#: RECALL_FLOOR, or at least the champion's on the same frame when CHAMPION_URI names one (CT sets it: a challenger
#: that matches the champion on a type the champion itself catches poorly is no worse than what is live).
RECALL_FLOOR, MIN_CASES = 0.25, 20
#: Shares the behavioural tests demand (a model that ignores the amount raises no score by 5x the amount: 0%).
DIRECTION_SHARE, AMOUNT_SHARE, INVARIANCE_SHARE, TAKEOVER_ALERT_SHARE = 0.90, 0.30, 0.999, 0.90
SAMPLE = 2_000


@dataclass(frozen=True)
class UnderTest:
    """The model, its registered version and feature set, and its threshold (None if it was never calibrated)."""

    model: Pipeline
    version: str
    feature_set: str
    threshold: float | None

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.model.predict_proba(X)[:, 1])


@dataclass(frozen=True)
class Frame:
    """The payments the model is judged on (with the labels known then), its inputs, scores and threshold."""

    part: pd.DataFrame
    X: pd.DataFrame
    scores: np.ndarray
    threshold: float


def load(uri: str) -> UnderTest:
    """The version a models:/ URI names (by alias or number), with its feature set and threshold."""
    name, _, ref = uri.removeprefix("models:/").partition("@" if "@" in uri else "/")
    client = MlflowClient()
    mv = client.get_model_version_by_alias(name, ref) if "@" in uri else client.get_model_version(name, ref)
    model = mlflow.sklearn.load_model(f"models:/{name}/{mv.version}")
    return UnderTest(model, str(mv.version), mv.tags.get("feature_set", "v1"),
                     float(mv.tags["threshold"]) if "threshold" in mv.tags else None)


@pytest.fixture(scope="module")
def under_test() -> UnderTest:
    return load(os.environ.get("MODEL_URI", "models:/upi-fraud-detector@champion"))


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


@pytest.fixture(scope="module")
def frame(upi: data.UPIData, under_test: UnderTest) -> Frame:
    day = upi.transactions["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date
    start = pd.Timestamp(os.environ.get("EVAL_FROM", str(story.TRAIN_END + pd.Timedelta(days=1)))).date()
    end = pd.Timestamp(os.environ.get("EVAL_TO", str(story.VALID_END))).date()
    part = upi.transactions[(day >= start) & (day <= end)].copy()
    if os.environ.get("LABELS_AS_OF"):
        part["is_fraud"] = features.labels_known_at(part, as_of(os.environ["LABELS_AS_OF"])).to_numpy()
    X = features.model_inputs(upi, under_test.feature_set)
    scores = under_test.predict(X.loc[part.index])
    cut = under_test.threshold if under_test.threshold is not None else threshold.calibrate(
        scores, story.ALERT_BUDGET_SHARE)
    return Frame(part, X, scores, cut)


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


def test_riskier_twin_scores_higher(under_test: UnderTest, frame: Frame) -> None:
    legit = frame.part.index[frame.part["is_fraud"] == 0]
    sample = frame.X.loc[legit].sample(n=min(SAMPLE, len(legit)), random_state=0)
    share = direction.direction_share(under_test.predict, sample)
    assert share >= DIRECTION_SHARE, (f"only {share:.1%} of payments scored higher with a new device, at night, "
                                      f"5x the amount to a new payee (need {DIRECTION_SHARE:.0%})")


def test_larger_amount_raises_the_score(under_test: UnderTest, frame: Frame) -> None:
    legit = frame.part.index[frame.part["is_fraud"] == 0]
    sample = frame.X.loc[legit].sample(n=min(SAMPLE, len(legit)), random_state=2)
    share = float(np.mean(under_test.predict(sample.assign(amount_inr=sample["amount_inr"] * 5))
                          > under_test.predict(sample)))
    assert share >= AMOUNT_SHARE, (f"5x the amount raised the score of only {share:.1%} of payments (need "
                                   f"{AMOUNT_SHARE:.0%}): does the model read the amount?")


def test_renaming_a_customer_changes_no_score(upi: data.UPIData, under_test: UnderTest, frame: Frame) -> None:
    rows = frame.part.sample(n=min(SAMPLE, len(frame.part)), random_state=1).index
    renamed = features.model_inputs(behaviour.Renamed(upi), under_test.feature_set).loc[rows]
    before, after = under_test.predict(frame.X.loc[rows]), under_test.predict(renamed)
    same = float(np.mean(np.isclose(before, after, rtol=0, atol=1e-12)))
    assert same >= INVARIANCE_SHARE, f"renaming customers changed {1 - same:.1%} of scores: the model reads the id"


def test_canonical_takeover_bursts_alert(under_test: UnderTest, frame: Frame) -> None:
    bursts = behaviour.takeover_bursts(frame.X.loc[frame.part.index], n=200)
    share = float(np.mean(under_test.predict(bursts) >= frame.threshold))
    assert share >= TAKEOVER_ALERT_SHARE, (f"only {share:.0%} of canonical account takeovers (new device, night, a "
                                           f"large transfer in a burst) alert (need {TAKEOVER_ALERT_SHARE:.0%})")


def test_good_customers_in_each_city_tier_are_stopped_alike(frame: Frame) -> None:
    part = frame.part
    overall, rates = behaviour.slice_rates(frame.scores >= frame.threshold, part["is_fraud"] == 0, part["city_tier"])
    bad = rates[~rates["ok"]]
    assert bad.empty, (f"false-alert rate {overall:.2%} overall, but per city tier "
                       f"{bad['rate'].map('{:.2%}'.format).to_dict()}: outside the binomial band")
