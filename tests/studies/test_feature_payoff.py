"""The feature store pays off in rupees: at the learners' (default) size, a model with lab 03's
point-in-time behaviour features saves more on the validation and test months than lab 02's
per-payment model with the same hyper-parameters.

Runs the reference project's code, the files the labs put in a learner's project (upi_fraud.timesplit
from lab 01, upi_fraud.features from lab 02, upi_fraud.feature_pipeline from lab 03). Offline store ==
pipeline is proven in lab 03 itself, so the pipeline's features stand in for the Feast training set here.
About a minute on 2 cores.
"""

import pytest
from upi_fraud import feature_pipeline, features, timesplit
from upi_kit import data

from mlops_course import metrics


@pytest.fixture(scope="module")
def results():
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    upi = data.load("default", seed=42)
    train, valid, test = timesplit.split_by_time(upi.transactions)
    behaviour = feature_pipeline.point_in_time_features(upi.transactions, upi.devices)

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
