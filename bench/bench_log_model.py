"""Time one `mlflow.sklearn.log_model` of the lab 02 model, with and without explicit pip requirements.

Usage: .venv/bin/python bench/bench_log_model.py [repeats]
Runs on a throwaway tracking store in a scratch workspace (also the current folder), with the
experiment's artifact location set explicitly: without it MLflow writes ./mlruns where it runs,
the very trap lab 02 teaches (this bench once committed mlruns/ to the repository root).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings

import mlflow
import numpy as np
import pandas as pd
import sklearn
from mlflow.models import infer_signature
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from upi_kit import data

from mlops_course import workspace


def _model() -> tuple[object, pd.DataFrame]:
    tx = data.load("ci").transactions
    X = pd.DataFrame({"channel": tx.channel.astype(str), "amount_inr": tx.amount_inr, "city_tier": tx.city_tier.astype(int)})
    model = make_pipeline(
        ColumnTransformer([("c", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["channel"])],
                          remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=50, random_state=0),
    ).fit(X, tx.is_fraud)
    return model, X


def main(repeats: int) -> None:
    warnings.filterwarnings("ignore")
    model, X = _model()
    mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
    exp = mlflow.create_experiment("bench", artifact_location=workspace.mlflow_artifact_root().as_uri())
    signature = infer_signature(X.head(100), model.predict_proba(X.head(100)))
    trusted = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]
    pins = [f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}", f"numpy=={np.__version__}"]
    for label, extra in (("explicit pip_requirements", {"pip_requirements": pins}), ("inferred requirements", {})):
        times = []
        for _ in range(repeats):
            with mlflow.start_run(experiment_id=exp):
                t = time.perf_counter()
                mlflow.sklearn.log_model(model, name="model", signature=signature, input_example=X.head(3),
                                         skops_trusted_types=trusted, **extra)
                times.append(time.perf_counter() - t)
        print(f"log_model with {label:<26} median {statistics.median(times):.2f} s over {repeats} "
              f"(min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    with workspace.scratch("bench-log-model-"):
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
