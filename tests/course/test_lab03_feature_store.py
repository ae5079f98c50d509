"""What lab 03 leaves behind: the feature store answers online as offline, the gated feature-store model."""

from __future__ import annotations

import pytest
from chain import completed_lab

from mlops_course import workspace


@pytest.fixture(scope="module")
def feature_store(course_ws):
    lab = completed_lab(course_ws, "03-feature-store")
    from feast import FeatureStore

    return FeatureStore(repo_path=str(workspace.feature_repo_dir())), lab.params("ci")


def test_lab03_online_values_equal_offline_values_for_a_sample(feature_store):
    import numpy as np
    import pandas as pd

    from mlops_course import data, story

    store, params = feature_store
    tx = data.load(params["DATA_SIZE"]).transactions
    go_live = pd.Timestamp(story.GO_LIVE, tz=story.TIMEZONE).tz_convert("UTC")
    # A different sample from the notebook's: payments from the week before go-live, asked at go-live.
    sample = tx[(tx.event_timestamp < go_live) & (tx.event_timestamp >= go_live - pd.Timedelta(days=7))]
    sample = sample.drop_duplicates("customer_id").head(60)
    rows = [{"customer_id": str(r.customer_id), "payee_id": str(r.payee_id), "device_id": str(r.device_id),
             "amount_inr": float(r.amount_inr), "txn_ts": go_live.timestamp()} for r in sample.itertuples()]
    service = store.get_feature_service("fraud_detection_v2")
    online = store.get_online_features(features=service, entity_rows=rows).to_df()
    entity_df = pd.DataFrame(rows).assign(event_timestamp=go_live, txn_id=sample.txn_id.astype(str).to_numpy())
    offline = entity_df[["txn_id"]].merge(
        store.get_historical_features(entity_df=entity_df, features=service).to_df(), on="txn_id")
    names = [f.name for p in service.feature_view_projections for f in p.features]
    assert len(names) == 10
    assert online["cust_txn_7d"].sum() > 0, "the sample should have some history"
    for name in names:
        assert np.allclose(online[name].to_numpy(float), offline[name].to_numpy(float), rtol=1e-9, equal_nan=True), name


def test_lab03_model_is_tracked_with_its_feature_service_and_gated_on_rupees(feature_store):
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
    runs = mlflow.search_runs(experiment_names=["upi-fraud"], filter_string="tags.feature_service = 'fraud_detection_v2'")
    assert not runs.empty and "cust_txn_1h" in runs.iloc[0]["tags.features"]
    client = MlflowClient()
    champion = client.get_model_version_by_alias("upi-fraud-detector", "champion")
    champion_value = client.get_run(champion.run_id).data.metrics["valid_net_value_inr"]
    # The gate: the champion is never worse on validation rupees than any feature-store model that was registered.
    for v in client.search_model_versions("name = 'upi-fraud-detector'"):
        if v.tags.get("feature_service") == "fraud_detection_v2":
            assert champion_value >= client.get_run(v.run_id).data.metrics["valid_net_value_inr"]
