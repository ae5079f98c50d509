"""The production profile's stores, running: the project's feature repo on a SQL registry in PostgreSQL and a Redis
online store, and its training on an MLflow tracking server backed by PostgreSQL.

Real servers (mlops_course.shared_servers: Debian's PostgreSQL and Redis on free ports, data in a temporary
folder, stopped afterwards), on a workspace caught up to lab 03 (or 02) at the `ci` size. The feature repo's production
settings are the project's own: the `registry` and `online_store` of deploy/feature_store.production.yaml, with
its ${FEAST_REGISTRY_URL} and ${REDIS_URL} set as a deployment sets them; only the offline store and the
materialisation engine stay the embedded ones (DuckDB on this machine; Spark in the file needs a cluster).

The claim checked is lab 07's "configuration of the same project, not a rewrite": the same payments get the same
features from Redis as from SQLite, and the same training run gives the same model through the tracking server as
through the embedded store (0 mismatches each).
"""

from __future__ import annotations

import math
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import psutil
import pytest
import yaml

from mlops_course import catchup, workspace
from mlops_course.services import Service
from mlops_course.shared_servers import SharedServers, missing, not_installed

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "project" / "deploy" / "feature_store.production.yaml"


def servers_required() -> bool:
    """CI sets MLOPS_SERVERS_REQUIRED=1 (.ci/run installs both): there a missing server is a failure."""
    return os.environ.get("MLOPS_SERVERS_REQUIRED") == "1"


@pytest.fixture
def servers():
    lacking = missing()
    if lacking:
        message = not_installed(lacking)
        if servers_required():
            pytest.fail(message + " (MLOPS_SERVERS_REQUIRED=1: this run must include the production profile's tests)")
        pytest.skip("not run: " + message)
    with SharedServers.start() as running:
        yield running
    assert not [p for p in psutil.process_iter(["cmdline"]) if str(running.data) in " ".join(p.info["cmdline"] or [])], \
        "a server outlived the test"
    assert not running.data.exists(), "the servers' data folder was left behind"


def caught_up(tmp_path: Path, lab_id: str):
    """A workspace of the test's own where the labs up to `lab_id` ran at the `ci` size."""
    with workspace.using(tmp_path / "workspace") as ws:
        catchup.require(lab_id, size="ci")
        yield ws


@pytest.fixture
def lab03(tmp_path):
    """Labs 00-03 ran (lab 03 materialised the SQLite online store to go-live)."""
    yield from caught_up(tmp_path, "03-feature-store")


@pytest.fixture
def lab02(tmp_path):
    """Labs 00-02 ran (the MLflow store has lab 02's runs and champion)."""
    yield from caught_up(tmp_path, "02-experiment-tracking")


def production_settings(embedded: dict) -> dict:
    """The feature repo's settings in the production profile: the deploy file's registry and online store."""
    deploy = yaml.safe_load(DEPLOY.read_text())
    return {**embedded, "registry": deploy["registry"], "online_store": deploy["online_store"]}


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def compare(production, embedded, requests: list[dict], when: str) -> dict[str, list]:
    """The feature service's values for these payments, from both stores: 0 may differ. Returns them."""
    ours = production.get_online_features(features=production.get_feature_service("fraud_detection_v2"),
                                          entity_rows=requests).to_dict()
    theirs = embedded.get_online_features(features=embedded.get_feature_service("fraud_detection_v2"),
                                          entity_rows=requests).to_dict()
    assert sorted(ours) == sorted(theirs)
    checked = [(name, i) for name in theirs for i in range(len(requests))]
    mismatches = [(name, i) for name, i in checked if not same(ours[name][i], theirs[name][i])]
    assert len(requests) > 200 and len(theirs) > 10, (len(requests), len(theirs))
    assert not mismatches, f"{when}: {len(mismatches)} of {len(checked)} features differ, e.g. {mismatches[:3]}"
    print(f"{when}: {len(requests)} payments, {len(checked):,} features from Redis, 0 differ from SQLite")
    return theirs


def test_the_feature_repo_serves_and_takes_writes_the_same_on_postgresql_and_redis(servers, lab03, tmp_path):
    from feast import FeatureStore
    from upi_fraud import feature_pipeline
    from upi_fraud.dates import GO_LIVE
    from upi_fraud.serving.freshness import Event, apply_events
    from upi_kit import data

    embedded_repo = lab03 / "project" / "feature_repo"
    repo = tmp_path / "feature_repo"
    shutil.copytree(embedded_repo, repo, ignore=shutil.ignore_patterns("online_store.db", "registry.db",
                                                                      "__pycache__"))
    embedded_settings = yaml.safe_load((embedded_repo / "feature_store.yaml").read_text())
    settings = production_settings(embedded_settings)
    assert settings["registry"]["registry_type"] == "sql" and settings["online_store"]["type"] == "redis"
    (repo / "feature_store.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    env = {**os.environ, **workspace.environment(), "FEAST_REGISTRY_URL": servers.postgres_uri("feast"),
           "REDIS_URL": servers.redis_connection}

    applied = subprocess.run([str(Path(sys.executable).parent / "feast"), "apply"], cwd=repo, env=env,
                             capture_output=True, text=True, timeout=300)
    assert applied.returncode == 0, applied.stderr[-2000:]
    os.environ.update({k: env[k] for k in ("FEAST_REGISTRY_URL", "REDIS_URL")})
    try:
        production = FeatureStore(repo_path=str(repo))
        embedded = FeatureStore(repo_path=str(embedded_repo))
        assert sorted(v.name for v in production.list_feature_views()) == \
            sorted(v.name for v in embedded.list_feature_views())
        production.materialize(start_date=pd.Timestamp("2015-01-01", tz="UTC").to_pydatetime(),
                               end_date=GO_LIVE.to_pydatetime())  # as lab 03 did on SQLite

        upi = data.load("ci")
        tx = upi.transactions
        week = tx[(tx["event_timestamp"] >= GO_LIVE) & (tx["event_timestamp"] < GO_LIVE + pd.Timedelta(days=7))]
        rows = feature_pipeline.entity_rows(week.sort_values("event_timestamp", kind="stable"))
        requests = rows[["customer_id", "payee_id", "device_id", "amount_inr", "txn_ts"]].to_dict("records")
        before = compare(production, embedded, requests, "as materialised at go-live")

        # The service's write-behind (freshness.apply_events, through the project's online_store.write_rows):
        # the week's payments written back into both stores, in two micro-batches, then read again.
        events = [Event(t.txn_id, t.customer_id, t.payee_id, t.event_timestamp.timestamp(), t.amount_inr)
                  for t in week.sort_values("event_timestamp", kind="stable").itertuples()]
        half = len(events) // 2
        for store, name in ((production, "redis"), (embedded, "sqlite")):
            ledger = sqlite3.connect(tmp_path / f"ledger-{name}.db")  # the write-behind's ledger: SQLite for both
            ledger.execute("CREATE TABLE fresh_applied (txn_id TEXT PRIMARY KEY, applied_at REAL)")
            assert apply_events(store, events[:half], ledger) + apply_events(store, events, ledger) == len(events)
            ledger.close()
        after = compare(production, embedded, requests, "after the write-behind applied the week's payments")
        changed = sum(not same(a, b) for name in before for a, b in zip(before[name], after[name], strict=True))
        assert changed > len(requests), f"the week's writes changed only {changed} values: nothing was written"
    finally:
        for k in ("FEAST_REGISTRY_URL", "REDIS_URL"):
            os.environ.pop(k, None)

    import psycopg

    with psycopg.connect(servers.postgres_uri("feast").replace("+psycopg", "")) as conn:
        views = conn.execute("SELECT count(*) FROM feature_views").fetchone()[0]
    assert views == len(embedded.list_feature_views()), "the registry's feature views are not in PostgreSQL"


def test_training_registers_through_a_tracking_server_on_postgresql(servers, lab02, tmp_path):
    import mlflow
    import numpy as np
    from mlflow import MlflowClient
    from upi_fraud import features, registry, timesplit
    from upi_kit import data

    artifacts = tmp_path / "artifacts"
    server = Service("mlflow-server", [sys.executable, "-m", "mlflow", "server", "--backend-store-uri",
                                       servers.postgres_uri("mlflow"), "--default-artifact-root",
                                       artifacts.as_uri(), "--host", "{host}", "--port", "{port}", "--workers", "1"],
                     ready_path="/health", timeout=180)
    train = [sys.executable, "-m", "upi_fraud.train", "--data-size", "ci", "--features", "v1", "--promote"]
    before = mlflow.get_tracking_uri()
    with server:
        versions = {}
        for name, uri in (("server", server.url), ("embedded", workspace.environment()["MLFLOW_TRACKING_URI"])):
            env = {**os.environ, **workspace.environment(), "MLFLOW_TRACKING_URI": uri}
            ran = subprocess.run(train, env=env, capture_output=True, text=True, timeout=600)
            assert ran.returncode == 0, ran.stderr[-2000:]
            mlflow.set_tracking_uri(uri)
            latest = max(MlflowClient().search_model_versions(f"name = '{registry.MODEL_NAME}'"),
                         key=lambda mv: int(mv.version))
            versions[name] = (uri, latest.version)
        mlflow.set_tracking_uri(versions["server"][0])
        champion = MlflowClient().get_model_version_by_alias(registry.MODEL_NAME, registry.CHAMPION)
        assert champion.version == versions["server"][1], "the gate did not promote through the server's registry"

        upi = data.load("ci")
        test_part = timesplit.split_by_time(upi.transactions)[2]
        X = features.model_inputs(upi, "v1").loc[test_part.index]
        scores = {}
        for name, (uri, version) in versions.items():
            mlflow.set_tracking_uri(uri)
            scores[name] = mlflow.pyfunc.load_model(f"models:/{registry.MODEL_NAME}/{version}").predict(X)
    mlflow.set_tracking_uri(before)
    assert not server.running
    differ = int(np.sum(~np.isclose(np.asarray(scores["server"], float), np.asarray(scores["embedded"], float),
                                    rtol=0, atol=0)))
    assert len(X) > 1000 and differ == 0, f"{differ} of {len(X)} scores differ between the two profiles"

    import psycopg

    with psycopg.connect(servers.postgres_uri("mlflow").replace("+psycopg", "")) as conn:
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
        aliases = conn.execute("SELECT alias FROM registered_model_aliases").fetchall()
    assert runs >= 1 and ("champion",) in aliases, "the runs and the registry are not in PostgreSQL"
