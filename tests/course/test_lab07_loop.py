"""The learner's lab 07 loop, as the solution notebook left it: the recorded weeks, the loop's log against the frozen
record, the swap under concurrent load, upi-loop from a shell and the deployment configuration.

Each test works on the workspace the course chain left (caught up here if run alone), at the `ci` size. At that size
monitoring never asks to retrain (the new scam is 4 payments), so the loop's decisions equal the frozen model's: the
retraining story is checked on the committed default-size run (tests/unit/test_lab07_story.py) and on a fresh run of
the `loop` chain, where the loop promotes (tests/course/test_loop_chain.py). Anything a test
changes is a copy in a temporary folder (the swap test moves the alias in a copy of the registry).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import psutil
import pytest
import yaml
from chain import completed_lab
from upi_kit import story

from mlops_course import launchers, services, workspace
from mlops_course import project as course_project

MODEL = "upi-fraud-detector"
INCIDENTS = {str(story.PAISE_INCIDENT.start), str(story.NULL_OS_INCIDENT.start)}


@pytest.fixture(scope="module")
def lab(course_ws):
    lab = completed_lab(course_ws, "07-capstone")
    env = {**os.environ, **workspace.environment(), "PYTHONWARNINGS": "ignore"}
    return {"project": workspace.project_dir(), "loop": workspace.folder("loop"), "env": env,
            "size": lab.params("ci")["DATA_SIZE"], "sample": lab.params("ci")["HTTP_SAMPLE"]}


@pytest.fixture(scope="module")
def record(lab):
    return json.loads((lab["loop"] / "weeks.json").read_text())


def test_lab07_every_production_week_went_round_the_loop_once(record):
    weeks = [r["week"] for r in record["weeks"]]
    assert weeks == sorted(weeks) and len(weeks) == 18 and weeks[0] == "2025-09-01" and weeks[-1] == "2025-12-29"
    actions = {"page", "promote", "drop", "shadow", "retrain", "none"}
    assert all(r["action"] in actions and r["served"]["payments"] > 0 for r in record["weeks"])


def test_lab07_the_incident_weeks_page_and_nothing_else_happens_in_them(record):
    by_week = {r["week"]: r for r in record["weeks"]}
    for week in INCIDENTS:
        assert by_week[week]["status"] == "INCIDENT" and by_week[week]["action"] == "page"
        assert not {"ct", "promote", "drop"} & set(by_week[week])
    assert [w for w, r in by_week.items() if r["action"] == "page"] == sorted(INCIDENTS)


def test_lab07_the_http_sample_and_the_bulk_path_gave_the_same_scores_from_the_same_version(lab, record):
    for row in record["weeks"]:
        served = row["served"]
        assert served["http"] == lab["sample"], row["week"]
        assert served["http_vs_bulk"] <= 1e-6 and served["http_versions"] == [served["version"]]


def test_lab07_the_loops_log_holds_one_decision_per_production_payment(lab):
    from upi_kit import data

    tx = data.load(lab["size"], seed=42).transactions
    production = int((tx["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date >= story.GO_LIVE).sum())
    with sqlite3.connect(lab["loop"] / "inference_log.db") as db:
        rows, distinct, http = db.execute("SELECT COUNT(*), COUNT(DISTINCT txn_id), SUM(path = 'http') "
                                          "FROM decisions").fetchone()
    assert rows == distinct == production
    assert http == 18 * lab["sample"]


def test_lab07_without_a_model_change_the_loop_decides_exactly_as_the_frozen_model(lab, record):
    summary = json.loads((lab["loop"] / "summary.json").read_text())
    assert record["changes"][1:] == [] and summary["promotions"] == []
    assert summary["loop"] == summary["frozen"] and summary["gain_inr"] == 0
    assert summary["frozen"]["payments"] > 0 and summary["frozen"]["frauds"] > 0


@pytest.fixture
def registry_copy(lab, tmp_path):
    """The workspace's registry copied to a temporary folder (artifacts are referenced by absolute path)."""
    source = workspace.path("mlflow", "mlflow.db")
    target = tmp_path / "mlflow.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def test_lab07_the_champion_swaps_under_concurrent_load_with_no_failed_request_and_no_way_back(
        lab, registry_copy, tmp_path, monkeypatch):
    import mlflow
    from mlflow import MlflowClient
    from upi_kit import data

    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry_copy)
    mlflow.set_tracking_uri(registry_copy)
    client = MlflowClient(registry_copy)
    old = client.get_model_version_by_alias(MODEL, "champion").version
    new = max((v.version for v in client.search_model_versions(f"name = '{MODEL}'")
               if v.version != old and "threshold" in v.tags), key=int)
    env = {"MLFLOW_TRACKING_URI": registry_copy, "FEATURE_REPO": str(lab["project"] / "feature_repo"),
           "INFERENCE_LOG": str(tmp_path / "log.db"), "MODEL_POLL_SECONDS": "0.5", "PYTHONWARNINGS": "ignore"}
    tx = data.load(lab["size"], seed=42).transactions
    with course_project.imported(), launchers.bentoml_service(
            "upi_fraud.serving.service:FraudService", cwd=lab["project"] / "src", name="swap-test", env=env,
            timeout=180) as service:
        from upi_fraud.loop import drill
        from upi_fraud.serving import replay

        payloads = replay.as_requests(tx.sort_values("event_timestamp").tail(300))
        results = {}
        for label, frm, to in (("promote", old, new), ("rollback", new, old)):
            streams, _, _ = drill.drill(service.url, payloads,
                                        lambda to=to: client.set_registered_model_alias(MODEL, "champion", to) or to,
                                        clients=6, timeout=30)
            results[label] = drill.zero_downtime(streams, frm, to)
        pids, port = service.pids(), service.port
    for label, verdict in results.items():
        assert verdict.failed == 0, (label, verdict)
        assert verdict.monotone and verdict.old_to_new, (label, verdict)
        assert verdict.requests > 50, (label, verdict)
    assert not [p for p in pids if psutil.pid_exists(p)] and services.port_is_free(port)


def test_lab07_upi_loop_runs_from_a_shell_and_without_a_policy_says_what_to_do(lab, tmp_path):
    loop = [sys.executable, "-m", "upi_fraud.loop"]  # what the console command upi-loop runs
    helped = subprocess.run([*loop, "--help"], cwd=lab["project"], env=lab["env"], capture_output=True, text=True,
                            timeout=120)
    assert helped.returncode == 0 and "--from" in helped.stdout and "--url" in helped.stdout
    env = {**lab["env"], "UPI_WORKSPACE": str(tmp_path / "empty-workspace")}
    env.pop("MLFLOW_TRACKING_URI")
    done = subprocess.run([*loop, "--data-size", lab["size"]], cwd=lab["project"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "run `python -m upi_fraud.monitoring calibrate` first" in done.stderr and "Traceback" not in done.stderr


def test_lab07_the_production_configuration_is_valid_and_names_each_production_choice(lab):
    deploy = lab["project"] / "deploy"
    feast = yaml.safe_load((deploy / "feature_store.production.yaml").read_text())
    assert feast["online_store"]["type"] == "redis" and feast["offline_store"]["type"] == "spark"
    assert feast["registry"]["registry_type"] == "sql" and feast["project"] == "upi_fraud"
    kinds = {d["kind"]: d for d in yaml.safe_load_all((deploy / "kubernetes.yaml").read_text())}
    assert set(kinds) == {"Deployment", "Service", "CronJob"}
    env = {e["name"] for e in kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert {"MODEL_ALIAS", "MODEL_POLL_SECONDS", "MLFLOW_TRACKING_URI"} <= env
    script = (deploy / "mlflow-server.sh").read_text()
    assert "postgresql" in script and "s3://" in script
    assert subprocess.run(["sh", "-n", str(deploy / "mlflow-server.sh")]).returncode == 0
