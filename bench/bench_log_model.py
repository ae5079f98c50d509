"""Time one `mlflow.sklearn.log_model` of the lab 02 model, with and without explicit pip requirements.

Usage: .venv/bin/python bench/bench_log_model.py [repeats]
Runs on a throwaway tracking store in a temporary folder.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

tmp = Path(tempfile.mkdtemp(prefix="bench-log-model-"))
os.environ["MLOPS_WORKSPACE"] = str(tmp)

import mlflow  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from mlflow.models import infer_signature  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402

from mlops_course import data, workspace  # noqa: E402

warnings.filterwarnings("ignore")
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
tx = data.load("ci").transactions
X = pd.DataFrame({"channel": tx.channel.astype(str), "amount_inr": tx.amount_inr, "city_tier": tx.city_tier.astype(int)})
model = make_pipeline(
    ColumnTransformer([("c", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["channel"])], remainder="passthrough"),
    HistGradientBoostingClassifier(max_iter=50, random_state=0),
).fit(X, tx.is_fraud)
mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
mlflow.set_experiment("bench")
signature = infer_signature(X.head(100), model.predict_proba(X.head(100)))
trusted = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]
pins = [f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}", f"numpy=={np.__version__}"]

for label, extra in (("explicit pip_requirements", {"pip_requirements": pins}), ("inferred requirements", {})):
    times = []
    for _ in range(repeats):
        with mlflow.start_run():
            t = time.perf_counter()
            mlflow.sklearn.log_model(model, name="model", signature=signature, input_example=X.head(3),
                                     skops_trusted_types=trusted, **extra)
            times.append(time.perf_counter() - t)
    print(f"log_model with {label:<26} median {statistics.median(times):.2f} s over {repeats} (min {min(times):.2f}, max {max(times):.2f})")
