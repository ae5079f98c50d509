"""What the model tests judge: the model under test and the frame of payments it is judged on (given in lab 05).

tests/conftest.py turns these into the fixtures `under_test` and `frame`, read from the environment, so the same
tests judge the champion (`pytest tests`), the model CI just trained (`make ci`) and every challenger of
continuous training (ct/ sets MODEL_URI, EVAL_FROM, EVAL_TO and LABELS_AS_OF).
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from sklearn.pipeline import Pipeline

from upi_fraud import features
from upi_fraud.serving import threshold
from upi_kit import data, story


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


def judged_frame(upi: data.UPIData, under_test: UnderTest, start: str | None = None, end: str | None = None,
                 labels_as_of: pd.Timestamp | None = None) -> Frame:
    """The payments of the IST days start..end (default: July, the validation month), labelled as of
    `labels_as_of` (default: every label), scored by the model under test at its threshold (or, for a version
    never calibrated, at the daily alert budget on this frame)."""
    day = upi.transactions["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date
    first = pd.Timestamp(start or str(story.TRAIN_END + pd.Timedelta(days=1))).date()
    last = pd.Timestamp(end or str(story.VALID_END)).date()
    part = upi.transactions[(day >= first) & (day <= last)].copy()
    if labels_as_of is not None:
        part["is_fraud"] = features.labels_known_at(part, labels_as_of).to_numpy()
    X = features.model_inputs(upi, under_test.feature_set)
    scores = under_test.predict(X.loc[part.index])
    cut = under_test.threshold if under_test.threshold is not None else threshold.calibrate(
        scores, story.ALERT_BUDGET_SHARE)
    return Frame(part, X, scores, cut)
