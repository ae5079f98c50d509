"""One continuous-training run: train a challenger as of a moment, test it, gate it, and say why (given in lab 05).

The challenger trains on the clean rows of the plan with the labels known then (recent payments weigh
more: after a concept drift the new pattern is a few dozen rows among a quarter of a million), is
calibrated on the holdout, and must pass the project's model tests on that holdout. The champion is
re-scored on the same holdout; the gate (yours, lab 02) decides. A model card records why, as an
artifact of the run and as the version's description; a passing challenger gets `config.alias`
(champion, or lab 07's challenger, which shadows first).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.pipeline import Pipeline

from upi_fraud import features, gate, layout, modeling, registry, rupees
from upi_fraud.ct import card
from upi_fraud.ct.plan import HOLDOUT_DAYS, Plan, plan
from upi_fraud.serving import calibration
from upi_kit import data, story

#: Recent payments weigh more: a payment this many days before as_of counts half, but none less than
#: RECENCY_FLOOR (without it a half-life forgets the old typologies, where most rupees are: lab 07 measured it).
RECENCY_HALF_LIFE_DAYS, RECENCY_FLOOR = 30, 0.25
#: The gate decides only on a holdout with at least this many known frauds (the model tests' MIN_CASES): on fewer,
#: two models' rupees differ by chance (a tie on 5 frauds decides nothing) and the champion stays. Every size.
MIN_GATE_FRAUDS = 20
EXPERIMENT = "upi-fraud-ct"


@dataclass(frozen=True)
class CTConfig:
    """What a CT run is asked to do."""

    data_size: str = "default"
    seed: int = 42
    features: str = "v1"  # the feature set when there is no champion yet (else the champion's)
    holdout_days: int = HOLDOUT_DAYS
    margin_inr: float = 0.0
    model_name: str = registry.MODEL_NAME
    alias: str = registry.CHAMPION  # the alias a challenger that passes gets


@dataclass(frozen=True)
class ModelTests:
    """The project's model tests on one version: passed?, pytest's summary line, the failed tests."""

    passed: bool
    summary: str
    failed: list[str]


@dataclass
class Decision:
    """What one CT run decided, and on what evidence (saved as decision.json with the run)."""

    version: str
    champion: str | None
    champion_value: float | None
    challenger: dict[str, float]
    recall: dict[str, float]
    champion_recall: dict[str, float]
    tests: str
    why_run: str
    decision: str
    why: str
    run_id: str = ""
    quarantined: str = "none"
    card: str = field(default="", repr=False)

    @property
    def promoted(self) -> bool:
        return self.decision == "promoted"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def model_tests(version: str, p: Plan, config: CTConfig, champion: str | None = None) -> ModelTests:
    """The project's model tests (tests/test_model.py and test_behaviour.py) on this version and this holdout, with
    the labels as of; with a champion, its recall per fraud type on the same holdout is a floor the challenger may
    stay at."""
    env = {**os.environ, "MODEL_URI": f"models:/{config.model_name}/{version}", "DATA_SIZE": config.data_size,
           "SEED": str(config.seed), "EVAL_FROM": str(p.holdout_start.date()),
           "EVAL_TO": str(p.holdout["event_timestamp"].max().tz_convert(story.TIMEZONE).date()),
           "LABELS_AS_OF": p.as_of.isoformat(), "MLFLOW_TRACKING_URI": mlflow.get_tracking_uri(),
           **({"CHAMPION_URI": f"models:/{config.model_name}/{champion}"} if champion else {})}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "--color=no", "-p", "no:cacheprovider", "-p",
                           "no:nbval", "tests/test_model.py", "tests/test_behaviour.py"], cwd=layout.PROJECT, env=env,
                          capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    failed = [line.split(" - ")[0].removeprefix("FAILED ") for line in lines if line.startswith("FAILED")]
    return ModelTests(done.returncode == 0, lines[-1] if lines else done.stderr.strip()[-300:], failed)


def fit(X: pd.DataFrame, p: Plan, seed: int) -> Pipeline:
    """CT's recipe: lab 02's model on the plan's training rows and labels, recent payments weighing more (never
    less than RECENCY_FLOOR: old typologies keep their evidence)."""
    model = modeling.make_model(modeling.Params(), seed)
    age_days = (p.as_of - p.train["event_timestamp"]).dt.total_seconds() / 86_400
    weight = np.maximum(0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS), RECENCY_FLOOR)
    model.fit(X.loc[p.train.index], p.labels.to_numpy(), histgradientboostingclassifier__sample_weight=weight.to_numpy())
    return model


def train_challenger(config: CTConfig, upi: data.UPIData, p: Plan, feature_set: str) -> tuple[str, pd.Series]:
    """Fit on the clean rows with the labels known then; log and register; calibrate its threshold on the holdout."""
    X = features.model_inputs(upi, feature_set)
    model = fit(X, p, config.seed)
    scores = pd.Series(model.predict_proba(X.loc[p.holdout.index])[:, 1], index=p.holdout.index)
    info = modeling.log_model(model, X.loc[p.holdout.index])
    version = registry.register(info.model_uri, feature_set, registry.Frame(p.digest, len(p.holdout)), "upi-ct",
                                config.model_name, trained_as_of=p.as_of.isoformat())
    calibration.store(MlflowClient(), config.model_name, version, scores.to_numpy(), story.ALERT_TARGET_SHARE,
                      f"holdout {p.digest}", X.loc[p.train.index])
    return version, scores


def _decide(config: CTConfig, p: Plan, version: str, scores: pd.Series, champion: tuple[str, pd.Series] | None,
            tests: ModelTests, why_run: str) -> Decision:
    """The gate on the same holdout, and the tests: promoted only when both say yes."""
    frame = registry.Frame(p.digest, len(p.holdout))
    mine = rupees.rupee_value(p.holdout, scores)
    theirs = None if champion is None else rupees.rupee_value(p.holdout, champion[1]).net_value_inr
    better, why = gate.decide(gate.Evaluation(version, mine.net_value_inr, frame.digest, frame.rows),
                              None if champion is None else gate.Evaluation(champion[0], theirs or 0.0, frame.digest,
                                                                            frame.rows),
                              config.margin_inr)
    frauds = int(p.holdout["is_fraud"].sum())
    if champion is not None and frauds < MIN_GATE_FRAUDS:
        better, why = False, (f"the holdout has {frauds} known frauds, fewer than the {MIN_GATE_FRAUDS} the gate needs to "
                              f"tell two models apart ({why}): the champion stays")
    summary = tests.summary + (f" (failed: {', '.join(tests.failed)})" if tests.failed else "")
    return Decision(
        version=version, champion=None if champion is None else champion[0], champion_value=theirs,
        challenger=mine.as_dict(), recall=rupees.recall_by_typology(p.holdout, scores),
        champion_recall={} if champion is None else rupees.recall_by_typology(p.holdout, champion[1]),
        tests=summary, why_run=why_run, decision="promoted" if tests.passed and better else "kept champion",
        why=why if tests.passed else f"the model tests failed: {', '.join(tests.failed) or tests.summary}",
        quarantined=p.quarantined_weeks)


def _record(client: MlflowClient, config: CTConfig, p: Plan, decision: Decision, tests: ModelTests) -> None:
    """Metrics, the card and decision.json with the run; the decision as tags and description of the version."""
    mlflow.log_metrics({"holdout_net_value_inr": decision.challenger["net_value_inr"],
                        "model_tests_passed": float(tests.passed),
                        **({"champion_holdout_net_value_inr": decision.champion_value}
                           if decision.champion_value is not None else {})})
    decision.card = card.model_card(config.model_name, p, decision, card.Recipe(RECENCY_HALF_LIFE_DAYS, RECENCY_FLOOR, config.margin_inr, MIN_GATE_FRAUDS))
    mlflow.log_text(decision.card, "model_card.md")
    mlflow.log_dict({k: v for k, v in decision.as_dict().items() if k not in ("run_id", "quarantined", "card")},
                    "decision.json")
    for key, value in {"ct_decision": decision.decision, "ct_reason": decision.why, "ct_run": decision.run_id,
                       "quarantined": decision.quarantined}.items():
        client.set_model_version_tag(config.model_name, decision.version, key, value)
    client.update_model_version(config.model_name, decision.version, description=decision.card)


def run(config: CTConfig, as_of: pd.Timestamp, why_run: str) -> Decision:
    """One CT run; returns the decision and leaves the run, the version and the card in MLflow."""
    upi = data.load(config.data_size, seed=config.seed)
    p = plan(upi.transactions, as_of, config.holdout_days)
    client = MlflowClient()
    current = registry.champion(client, config.model_name)
    champion = None if current is None else (str(current.version), pd.Series(
        registry.rescore(current, upi, p.holdout), index=p.holdout.index))
    feature_set = current.tags.get("feature_set", "v1") if current else config.features
    with mlflow.start_run(run_name=f"ct-{as_of:%Y-%m-%d}", tags={"source": "upi-ct", "why": why_run}) as mlrun:
        version, scores = train_challenger(config, upi, p, feature_set)
        mlflow.log_params({"as_of": as_of.isoformat(), "holdout_days": config.holdout_days,
                           "data_size": config.data_size, "feature_set": feature_set, "margin_inr": config.margin_inr,
                           "recency_half_life_days": RECENCY_HALF_LIFE_DAYS, "recency_floor": RECENCY_FLOOR, "quarantined": p.quarantined_weeks})
        tests = model_tests(version, p, config, None if champion is None else champion[0])
        decision = _decide(config, p, version, scores, champion, tests, why_run)
        decision.run_id = mlrun.info.run_id
        _record(client, config, p, decision, tests)
        if decision.promoted:  # lab 07's loop asks for "challenger": the version then shadows before it goes live
            client.set_registered_model_alias(config.model_name, config.alias, version)
    return decision
