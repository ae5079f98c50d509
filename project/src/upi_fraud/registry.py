"""The model registry, the project's way: what a version records, which run is best, the champion re-scored.

Given in lab 02. A registered version carries what serving needs to use it: its feature set (tags
`feature_set`, `features`, and `feature_service` for v2) and the frame it was evaluated on
(`eval_digest`, `eval_rows`), because numbers measured on different data do not compare. Comparing
with the champion always re-scores it, with its own feature set, on the challenger's frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

from upi_fraud import features, selection
from upi_kit.data import dataset_digest

MODEL_NAME = "upi-fraud-detector"
CHAMPION = "champion"


@dataclass(frozen=True)
class Frame:
    """The payments a model is judged on, named by their digest and size."""

    digest: str
    rows: int

    @classmethod
    def of(cls, part: pd.DataFrame) -> Frame:
        return cls(dataset_digest(part), len(part))


def feature_tags(feature_set: str) -> dict[str, str]:
    """The tags that tell loading code which inputs a version takes."""
    tags = {"feature_set": feature_set, "features": ",".join(features.feature_list(feature_set))}
    if feature_set in features.FEATURE_SERVICES:
        tags["feature_service"] = features.FEATURE_SERVICES[feature_set]
    return tags


def register(model_uri: str, feature_set: str, frame: Frame, registered_by: str,
             model_name: str = MODEL_NAME, **extra: str) -> str:
    """Register a logged model as a new version with its feature set and evaluation frame; its number."""
    tags = {"registered_by": registered_by, **feature_tags(feature_set), "eval_digest": frame.digest,
            "eval_rows": str(frame.rows), **extra}
    return str(mlflow.register_model(model_uri, model_name, tags=tags).version)


def register_best(runs: pd.DataFrame, frame: Frame, registered_by: str, model_name: str = MODEL_NAME) -> str:
    """Register the best run of `runs` (selection.best_run, your rule) as a new version; its number."""
    best = MlflowClient().get_run(selection.best_run(runs))
    return register(best.data.tags["model_uri"], best.data.tags["feature_set"], frame, registered_by, model_name)


def champion(client: MlflowClient, model_name: str = MODEL_NAME) -> ModelVersion | None:
    """The version the champion alias names, or None before there is one."""
    try:
        return client.get_model_version_by_alias(model_name, CHAMPION)
    except MlflowException:
        return None


def rescore(version: ModelVersion, upi: features.Payments, part: pd.DataFrame) -> np.ndarray:
    """A registered version's fraud scores on the payments `part`, with the inputs of its own feature set."""
    model = mlflow.sklearn.load_model(f"models:/{version.name}/{version.version}")
    X = features.model_inputs(upi, version.tags.get("feature_set", "v1")).loc[part.index]
    return np.asarray(model.predict_proba(X)[:, 1])
