"""What every run of the project records the same way: which experiment, which code, which data, which metrics.

Given in lab 02. The notebooks, upi-train, upi-ct and the loop all start MLflow through
`use_experiment` (one tracking store, artifacts in an absolute folder) and log the same metrics
with `evaluate`, so runs from any of them read the same in the tracking store.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.data.pandas_dataset import PandasDataset, from_pandas
from sklearn.metrics import average_precision_score

from upi_fraud import rupees
from upi_fraud.layout import PROJECT
from upi_kit import workspace
from upi_kit.data import dataset_digest

#: The folders whose Python files are the project's code (its version is a hash of them).
CODE_FOLDERS = ("src", "feature_repo")


def use_experiment(name: str, tracking_uri: str | None = None) -> str:
    """Point MLflow at the tracking store and the experiment (created with an absolute artifact folder); its id.

    Without an absolute artifact_location, MLflow writes artifacts under whatever folder the process runs in.
    """
    mlflow.set_tracking_uri(tracking_uri or workspace.mlflow_tracking_uri())
    if mlflow.get_experiment_by_name(name) is None:
        mlflow.create_experiment(name, artifact_location=workspace.mlflow_artifact_root().as_uri())
    return str(mlflow.set_experiment(name).experiment_id)


def code_version(root: Path = PROJECT) -> str:
    """The project's code, named: sha256 (12 hex) over the Python files of src/ and feature_repo/ (path and content).

    Any change to any of them gives another version; once the project is a git repository, its commit does the
    same job.
    """
    digest = hashlib.sha256()
    files = [p for folder in CODE_FOLDERS for p in (root / folder).rglob("*.py") if "__pycache__" not in p.parts]
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def evaluate(part: pd.DataFrame, scores: np.ndarray, prefix: str = "valid_") -> dict[str, float]:
    """Rupees under the daily alert budget, PR-AUC, and recall at the budget per fraud type (full labels)."""
    out = {f"{prefix}{name}": value for name, value in rupees.rupee_value(part, scores).as_dict().items()}
    out[f"{prefix}pr_auc"] = float(average_precision_score(part["is_fraud"], scores))
    for fraud_type, recall in rupees.recall_by_typology(part, scores).items():
        out[f"{prefix}recall_{fraud_type}"] = float(recall)
    return out


def as_dataset(X: pd.DataFrame, part: pd.DataFrame, name: str, source: str,
               labels: pd.Series | None = None) -> PandasDataset:
    """An MLflow dataset: the model inputs and the label they were trained or judged on, by the digest of the rows."""
    label = part["is_fraud"] if labels is None else labels
    frame = X.assign(**{str(label.name): label.to_numpy()})
    return from_pandas(frame, source=source, targets=str(label.name), name=name, digest=dataset_digest(part))
