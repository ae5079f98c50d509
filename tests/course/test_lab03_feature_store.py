"""What lab 03 leaves behind: the learner's feature repo, a store at go-live that answers online as offline,
and a v2 model registered with its feature set, its datasets, and gated against lab 02's champion."""

from __future__ import annotations

import pytest
from chain import completed_lab

from mlops_course import catchup, workspace

MODEL_NAME = "upi-fraud-detector"


@pytest.fixture(scope="module")
def feature_store(course_ws):
    lab = completed_lab(course_ws, "03-feature-store")
    from feast import FeatureStore

    store = FeatureStore(repo_path=str(workspace.feature_repo_dir()))
    snapshot = workspace.root() / "production" / "online_store_go_live.db"
    if snapshot.is_file():  # lab 04 ran in this workspace: the live store moved on; the snapshot is the go-live store
        config = store.config.model_copy(deep=True)
        config.online_store.path = str(snapshot)
        store = FeatureStore(repo_path=str(workspace.feature_repo_dir()), config=config)
    return store, lab.params("ci")


@pytest.fixture(scope="module")
def registry(feature_store):
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
    return MlflowClient()


def test_lab03_the_applied_views_are_the_ones_of_the_learners_files(feature_store):
    store, _ = feature_store
    payee = store.get_feature_view("payee_recent")
    assert payee.ttl.total_seconds() == 86_400
    assert {f.name for f in payee.features} == {"payee_recent_ts", "payee_recent_payer"}
    applied = store.get_on_demand_feature_view("behaviour").feature_transformation.udf_string
    assert applied.strip() and applied.strip() in (workspace.feature_repo_dir() / "on_demand.py").read_text()


def test_lab03_online_values_equal_offline_values_for_a_sample(feature_store):
    """The online store stays at go-live (the notebook plays its production day into a copy; lab 04 keeps a
    go-live snapshot when it moves the live store on)."""
    import numpy as np
    import pandas as pd
    from upi_kit import data, story

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


def _v2_versions(client):
    return sorted((v for v in client.search_model_versions(f"name = '{MODEL_NAME}'")
                   if v.tags.get("feature_set") == "v2"), key=lambda v: int(v.version))


def test_lab03_the_v2_model_is_registered_with_its_feature_set_and_its_datasets(registry):
    versions = _v2_versions(registry)
    assert versions, "lab 03 registers a version with feature_set=v2"
    latest = versions[-1]
    assert latest.tags["feature_service"] == "fraud_detection_v2"
    assert {"cust_txn_1h", "payee_payers_24h", "new_payee"} <= set(latest.tags["features"].split(","))
    contexts = {tag.value for d in registry.get_run(latest.run_id).inputs.dataset_inputs for tag in d.tags
                if tag.key == "mlflow.data.context"}
    assert {"training", "validation"} <= contexts


def test_lab03_the_champion_moved_to_v2_only_if_v2_saves_more_rupees(registry):
    lab02_champion = (catchup.completion("02-experiment-tracking") or {}).get("produced", {}).get("champion_version")
    if lab02_champion is None:
        pytest.skip("lab 02's completion marker does not name its champion")
    champion = registry.get_model_version_by_alias(MODEL_NAME, "champion")
    before = registry.get_model_version(MODEL_NAME, str(lab02_champion))
    value = {v.version: registry.get_run(v.run_id).data.metrics["valid_net_value_inr"] for v in (champion, before)}
    if champion.tags.get("feature_set") == "v2":
        assert value[champion.version] > value[before.version]
    else:
        assert champion.version == before.version, "only lab 03's gate may move the champion in lab 03"
