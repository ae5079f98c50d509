"""The feature store pays off in rupees: at the learners' (default) size, a model with lab 03's
point-in-time behaviour features saves more on the validation and test months than lab 02's
per-payment model with the same hyper-parameters.

Runs the project code exactly as the solution notebooks write it (timesplit.py and rules.py from lab 01,
features.py from lab 02,
feature_pipeline.py from lab 03). Offline store == pipeline is proven in lab 03 itself, so the
pipeline's features stand in for the Feast training set here. About a minute on 2 cores.
"""

import importlib.util
import sys

import pytest

from mlops_course import metrics, notebooks
from upi_kit import data


def project_module(notebook, filename, tmp_path):
    path = tmp_path / filename
    path.write_text(notebooks.written_file(notebook, filename))
    spec = importlib.util.spec_from_file_location(filename.removesuffix(".py") + "_payoff", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    tmp = tmp_path_factory.mktemp("payoff")
    for lab01_file in ("timesplit.py", "rules.py"):  # lab 01's project files, which features.py imports
        (tmp / lab01_file).write_text(notebooks.written_file("01_problem_and_data.ipynb", lab01_file))
    sys.path.insert(0, str(tmp))
    features = project_module("02_experiment_tracking.ipynb", "features.py", tmp)
    pipeline = project_module("03_feature_store.ipynb", "feature_pipeline.py", tmp)
    upi = data.load("default", seed=42)
    train, valid, test = features.split_by_time(upi.transactions)
    behaviour = pipeline.point_in_time_features(upi.transactions, upi.devices)

    def model():
        pre = ColumnTransformer([("c", OneHotEncoder(handle_unknown="ignore", sparse_output=False), features.CATEGORICAL)],
                                remainder="passthrough")
        return make_pipeline(pre, HistGradientBoostingClassifier(learning_rate=0.05, max_leaf_nodes=15, max_iter=200,
                                                                 class_weight="balanced", random_state=42))

    out = {}
    for name, extra in (("per-payment (lab 02)", False), ("with feature store (lab 03)", True)):
        def X(part, extra=extra):
            base = features.build_features(part, upi.customers)
            return pd.concat([base, behaviour.loc[part.index]], axis=1) if extra else base

        fitted = model().fit(X(train), train.is_fraud)
        out[name] = {period: metrics.rupee_value(part, fitted.predict_proba(X(part))[:, 1])
                     for period, part in (("valid", valid), ("test", test))}
    for name, r in out.items():
        print(f"{name}: valid {r['valid']} | test {r['test']}")
    return out


@pytest.mark.parametrize("period", ["valid", "test"])
def test_behaviour_features_save_more_rupees(results, period):
    before = results["per-payment (lab 02)"][period]
    after = results["with feature store (lab 03)"][period]
    assert after.net_value_inr > before.net_value_inr * 1.1, (before, after)
    assert after.recall_at_budget > before.recall_at_budget
