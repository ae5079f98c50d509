"""Scoring: one bundle (model, threshold, feature set) turns a payment into a decision and its reasons.

Given in lab 04. The service and replay.py's bulk mode both call `decide`, so a payment gets the same
decision whichever path scored it. A Bundle is immutable: the service swaps a whole bundle when the
champion changes, so a request never mixes two models' parts. `FeatureReader` reads a request's online
features; `request_features` builds lab 02's per-payment inputs without pandas (about 3 ms a row saved),
and lab 04's skew checks and the project's tests prove both give what training computes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from feast import FeatureStore
from mlflow import MlflowClient
from sklearn.pipeline import Pipeline

from upi_fraud import features, registry
from upi_fraud.serving.encoder import Columns, Encoder
from upi_kit import story

N_REASONS = 3
MIN_DROP = 1e-4  # a reason must move the score by at least this much
PROFILE = "customer_profile:usual_device_id"  # lab 04's reference view: the customer's registered device
IST_SECONDS = int(story.IST_OFFSET.total_seconds())


class NoThreshold(RuntimeError):
    """A version that was never calibrated cannot serve: it has no decision rule."""


@dataclass(frozen=True)
class Bundle:
    """What serving needs from one model version, loaded together and swapped together."""

    model_name: str
    version: str
    model: Pipeline = field(repr=False)
    encoder: Encoder = field(repr=False)
    feature_set: str
    inputs: tuple[str, ...]  # the model's input columns, in order
    threshold: float
    typical: dict[str, Any] = field(repr=False)
    feature_service: str | None = None


def alias_version(model_name: str = registry.MODEL_NAME, alias: str = registry.CHAMPION,
                  client: MlflowClient | None = None) -> str:
    """The version an alias names now, as a string (what lab 07's watcher compares with the live bundle)."""
    return str((client or MlflowClient()).get_model_version_by_alias(model_name, alias).version)


def load_bundle(model_name: str = registry.MODEL_NAME, alias: str = registry.CHAMPION,
                client: MlflowClient | None = None, version: str | None = None) -> Bundle:
    """The version an alias names (or `version`), with its model, feature set and threshold (calibration.py's tags)."""
    client = client or MlflowClient()
    mv = client.get_model_version(model_name, version) if version else client.get_model_version_by_alias(model_name, alias)
    if "threshold" not in mv.tags:
        raise NoThreshold(f"{model_name} version {mv.version} has no threshold: run "
                          f"`python -m upi_fraud.serving.calibration --version {mv.version}` first")
    feature_set = mv.tags.get("feature_set", "v1")
    inputs = tuple(features.feature_list(feature_set))
    model = mlflow.sklearn.load_model(f"models:/{model_name}/{mv.version}")
    return Bundle(model_name=model_name, version=str(mv.version), model=model, encoder=Encoder(model, list(inputs)),
                  feature_set=feature_set, inputs=inputs, threshold=float(mv.tags["threshold"]),
                  typical=json.loads(mv.tags["typical_inputs"]), feature_service=mv.tags.get("feature_service"))


def check_encoder(bundle: Bundle, X: pd.DataFrame) -> float:
    """The largest score difference between the pipeline and the fast encoder on frame X (0 when they agree)."""
    fast = bundle.encoder.scores({name: X[name].to_numpy(object) for name in bundle.inputs})
    return float(np.max(np.abs(fast - bundle.model.predict_proba(X[list(bundle.inputs)])[:, 1])))


def entity_rows(payments: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the online store is asked for each validated payment (dicts): its keys, amount and time in seconds."""
    return [{"customer_id": p["customer_id"], "payee_id": p["payee_id"], "device_id": p["device_id"],
             "amount_inr": p["amount_inr"], "txn_ts": p["event_timestamp"].timestamp()} for p in payments]


class FeatureReader:
    """A request's online features: the stored views from Feast's online store, then lab 03's on-demand view.

    The on-demand view's function is the one registered in the feature repo (your `behaviour`), applied here to
    the stored lists and the request's amount and time. `store.get_online_features` with the feature service does
    the same with ~1.2 ms more bookkeeping per request, a quarter of the latency budget.
    """

    def __init__(self, store: FeatureStore, on_demand: str = "behaviour") -> None:
        self.store = store
        view = store.get_on_demand_feature_view(on_demand)
        if view.feature_transformation is None:
            raise ValueError(f"the on-demand view {on_demand!r} has no function: run `feast apply` in the feature repo")
        self.behaviour = view.feature_transformation.udf
        self.outputs = [f.name for f in view.features]
        self.stored = [f"{p.name_to_use()}:{f.name}" for p in view.source_feature_view_projections.values()
                       for f in p.features]
        self.request = [f.name for source in view.source_request_sources.values() for f in source.schema]

    def read(self, entity_rows: Sequence[dict[str, Any]], inputs: Sequence[str]) -> dict[str, list[Any]]:
        """{name: [value per row]} for the profile and, if `inputs` need them, the behaviour features.

        entity_rows: dicts with customer_id, payee_id, device_id and the request's amount_inr and txn_ts.
        """
        behaviour = any(name in self.outputs for name in inputs)
        keys = [{k: row[k] for k in ("customer_id", "payee_id", "device_id")} for row in entity_rows]
        got: dict[str, list[Any]] = self.store.get_online_features(
            features=[PROFILE, *(self.stored if behaviour else [])], entity_rows=keys).to_dict()
        if behaviour:
            got.update(self.behaviour({**got, **{name: [row[name] for row in entity_rows] for name in self.request}}))
        return got


def request_features(payments: Sequence[dict[str, Any]], online: dict[str, list[Any]],
                     inputs: Sequence[str]) -> dict[str, list[Any]]:
    """Inputs (names) for validated payments (dicts) and their online features: {input: list}, one item per payment.

    The per-payment part re-implements lab 02's build_features without pandas (it costs ~3 ms a row);
    the skew checks in lab 04 and the project's tests prove both give the same values.
    """
    cols: dict[str, list[Any]] = {name: [] for name in features.FEATURES}
    for p, usual in zip(payments, online["usual_device_id"], strict=True):
        ist = int(p["event_timestamp"].timestamp()) + IST_SECONDS
        for name in ("channel", "payee_type", "merchant_category"):
            cols[name].append(p[name])
        cols["device_os"].append(p["device_os"] or "unknown")
        cols["amount_inr"].append(float(p["amount_inr"]))
        cols["hour_ist"].append(ist // 3600 % 24)
        cols["day_of_week"].append((ist // 86_400 + 3) % 7)  # 1 January 1970 was a Thursday (Monday = 0)
        cols["city_tier"].append(int(p["city_tier"]))
        cols["new_device"].append(int(p["device_id"] != usual))  # cold start: an unknown customer's device is new
    return {name: cols[name] if name in cols else [np.nan if v is None else float(v) for v in online[name]]
            for name in inputs}


def json_value(value: Any) -> Any:
    """A plain Python value for JSON (NaN becomes None)."""
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return value.item() if isinstance(value, np.generic) else value


def with_typical_values(bundle: Bundle, columns: Columns) -> dict[str, np.ndarray]:
    """The payments, then one copy per input with that input set to its typical value: {input: values}."""
    names = list(bundle.inputs)
    tiled = {name: np.tile(np.asarray(columns[name], dtype=object), len(names) + 1) for name in names}
    n = len(tiled[names[0]]) // (len(names) + 1)
    for i, name in enumerate(names, start=1):
        tiled[name][i * n:(i + 1) * n] = bundle.typical[name]
    return tiled


def reasons(bundle: Bundle, columns: Columns, scores: np.ndarray, swapped_scores: np.ndarray,
            k: int = N_REASONS) -> list[list[dict[str, Any]]]:
    """Per payment, the inputs that raised its score most: each set to its typical value, how far the score drops."""
    names, n = list(bundle.inputs), len(scores)
    drops = scores[None, :] - swapped_scores.reshape(len(names), n)
    out = []
    for j in range(n):
        top = [i for i in np.argsort(-drops[:, j], kind="stable")[:k] if drops[i, j] >= MIN_DROP]
        out.append([{"feature": names[i], "value": json_value(columns[names[i]][j]), "typical": bundle.typical[names[i]],
                     "score_drop": round(float(drops[i, j]), 4)} for i in top])
    return out


def decide(bundle: Bundle, columns: Columns, explain: bool = True) -> list[dict[str, Any]]:
    """Scores, alerts (score >= threshold) and reason codes for model inputs given as {input: values}."""
    if explain:  # one call to the model for the scores and the reasons: on a few rows its overhead dominates
        both = bundle.encoder.scores(with_typical_values(bundle, columns))
        n = len(both) // (len(bundle.inputs) + 1)
        scores = both[:n]
        why = reasons(bundle, columns, scores, both[n:])
    else:
        scores = bundle.encoder.scores(columns)
        why = [[] for _ in scores]
    names = list(bundle.inputs)
    return [{"score": round(float(s), 6), "alert": bool(s >= bundle.threshold), "threshold": bundle.threshold,
             "model_version": bundle.version, "feature_set": bundle.feature_set, "reasons": r,
             "features": {name: json_value(columns[name][i]) for name in names}}
            for i, (s, r) in enumerate(zip(scores, why, strict=True))]
