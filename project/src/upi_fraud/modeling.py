"""The model and how it is logged: one definition for train.py, continuous training and the labs.

Given in lab 02. A gradient-boosted trees pipeline on one-hot categories; logged to MLflow with its
signature, an input example and explicit requirements (inferring them takes seconds per model).
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd
import sklearn
from mlflow.models import infer_signature
from mlflow.models.model import ModelInfo
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder

from upi_fraud import features

#: MLflow 3 saves scikit-learn models with skops, which refuses types it cannot prove safe. We trained these
#: models ourselves, so we name (and so review) the one extra type they need. A pickled model runs arbitrary
#: code when loaded: a model file is as sensitive as a program.
TRUSTED_TYPES = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]
PIP_REQUIREMENTS = [f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}", f"numpy=={np.__version__}"]


@dataclass(frozen=True)
class Params:
    """The gradient-boosted model's knobs. The defaults are lab 02's best setting at the default size."""

    learning_rate: float = 0.1
    max_leaf_nodes: int = 15
    max_iter: int = 200


def make_model(params: Params = Params(), seed: int = 42) -> Pipeline:
    """One-hot categories (unknown ones all zero), then gradient-boosted trees weighted for the rare fraud class."""
    pre = ColumnTransformer([("categories", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                              features.CATEGORICAL)], remainder="passthrough")
    return make_pipeline(pre, HistGradientBoostingClassifier(
        learning_rate=params.learning_rate, max_leaf_nodes=params.max_leaf_nodes, max_iter=params.max_iter,
        class_weight="balanced", random_state=seed))


def log_model(model: Pipeline, sample: pd.DataFrame) -> ModelInfo:
    """Log a fitted pipeline in the active run: signature and input example from `sample`, fraud probabilities out."""
    sample = sample.head(200)
    info = mlflow.sklearn.log_model(
        model, name="model", signature=infer_signature(sample, model.predict_proba(sample)),
        input_example=sample.head(3), pyfunc_predict_fn="predict_proba", skops_trusted_types=TRUSTED_TYPES,
        pip_requirements=PIP_REQUIREMENTS)
    mlflow.set_tag("model_uri", info.model_uri)
    return info
