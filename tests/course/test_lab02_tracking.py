"""What lab 02 leaves behind, read back from the course workspace: runs, the registry, upi-train and its gate."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from chain import completed_lab

from mlops_course import project as course_project
from mlops_course import workspace

LAB = "tags.lab = '02-experiment-tracking'"
MODEL = "upi-fraud-detector"


@pytest.fixture(scope="module")
def lab02_store(course_ws):
    lab = completed_lab(course_ws, "02-experiment-tracking")
    import mlflow

    mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
    return lab.params("ci")


@pytest.fixture(scope="module")
def project(lab02_store):
    """The learner's project modules (lab 01's and lab 02's), imported from the workspace for the test."""
    with course_project.imported():
        from upi_fraud import features, timesplit

        yield {"features": features, "timesplit": timesplit}


def test_lab02_tracking_store_has_the_experiment_and_rupee_runs(lab02_store):
    import mlflow

    runs = mlflow.search_runs(experiment_names=["upi-fraud"])
    assert not runs.empty, "experiment upi-fraud is missing or empty"
    with_rupees = runs[runs["metrics.valid_net_value_inr"].notna()]
    assert len(with_rupees) >= 3
    assert {"rules", "linear", "gbm"} <= set(runs["tags.model_family"].dropna())
    artifact_root = workspace.mlflow_artifact_root()
    assert any(artifact_root.rglob("precision_recall_and_alerts.png")), "artifacts must land in the workspace"


def test_lab02_runs_log_recall_per_fraud_type_and_name_the_projects_code(lab02_store):
    import mlflow

    runs = mlflow.search_runs(experiment_names=["upi-fraud"], filter_string=LAB)
    judged = runs[(runs["tags.candidate"] == "yes") | (runs["tags.model_family"] == "rules")]
    typology = [c for c in runs.columns if c.startswith("metrics.valid_recall_") and not c.endswith("_at_budget")]
    assert typology, "no per-typology recall was logged"
    assert judged[typology].notna().any(axis=1).all(), "every candidate and the rules baseline log recall per type"
    assert judged["tags.code_version"].str.fullmatch(r"[0-9a-f]{12}").all(), "code_version is the project's hash"
    candidates = runs[runs["tags.candidate"] == "yes"]
    assert (candidates["tags.labels"] == "known at the training cutoff").all()


def test_lab02_reports_the_test_month_only_for_chosen_models(lab02_store):
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient

    runs = mlflow.search_runs(experiment_names=["upi-fraud"], filter_string=LAB)  # lab 03's runs are its own business
    runs = pd.concat([runs, mlflow.search_runs(experiment_names=["upi-fraud"], filter_string="tags.source = 'upi-train'")])
    registered = {mv.run_id for mv in MlflowClient().search_model_versions(f"name = '{MODEL}'")}
    with_test = set(runs.loc[runs.filter(like="metrics.test_").notna().any(axis=1), "run_id"])
    assert with_test, "the champion's test month is reported"
    assert with_test <= registered, "only a chosen (registered) model shows the test month"


def test_lab02_champion_is_the_best_version_on_its_frame_and_loads_with_its_feature_set(lab02_store, project):
    import mlflow
    from mlflow import MlflowClient
    from upi_kit import data

    client = MlflowClient()
    champ = client.get_model_version_by_alias(MODEL, "champion")
    same_frame = [v for v in client.search_model_versions(f"name = '{MODEL}'")
                  if v.tags.get("eval_digest") == champ.tags["eval_digest"]]
    best = max(client.get_run(v.run_id).data.metrics["valid_net_value_inr"] for v in same_frame)
    assert client.get_run(champ.run_id).data.metrics["valid_net_value_inr"] == best, "the alias must point to the best"
    model = mlflow.pyfunc.load_model(f"models:/{MODEL}@champion")
    upi = data.load(lab02_store["DATA_SIZE"])
    _, _, test = project["timesplit"].split_by_time(upi.transactions)
    X = project["features"].model_inputs(upi, champ.tags["feature_set"]).loc[test.index[:50]]
    assert list(X.columns) == champ.tags["features"].split(",")
    proba = model.predict(X)
    assert proba.shape == (50, 2) and ((proba >= 0) & (proba <= 1)).all()


def test_lab02_logged_dataset_digest_matches_the_generated_data(lab02_store):
    from mlflow import MlflowClient
    from upi_kit import data

    from mlops_course import periods

    upi = data.load(lab02_store["DATA_SIZE"], seed=42)
    expected = data.dataset_digest(periods.reference_split(upi.transactions)["train"])
    import mlflow

    runs = mlflow.search_runs(experiment_names=["upi-fraud"], filter_string=f"tags.candidate = 'yes' and {LAB}")
    run = MlflowClient().get_run(runs.iloc[0]["run_id"])
    training = [d.dataset for d in run.inputs.dataset_inputs if any(t.value == "training" for t in d.tags)]
    assert training, "the run logged no training dataset"
    assert training[0].digest == expected
    assert run.data.tags["dataset_digest"] == upi.digest
    assert '"is_fraud_known"' in training[0].schema, "training uses the labels known at the cutoff"


def run_upi_train(*args, timeout=600, project=None):
    """`python -m upi_fraud.train ARGS` (what `upi-train` runs) from the workspace's project, or another copy."""
    env = {**os.environ, **workspace.environment()}
    if project is not None:
        env["PYTHONPATH"] = str(project / "src")
    assert (Path(env["PYTHONPATH"].split(os.pathsep)[0]) / "upi_fraud" / "train.py").exists(), "lab 02 gives train.py"
    return subprocess.run([sys.executable, "-m", "upi_fraud.train", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=str(workspace.root()), env=env)


def test_upi_train_help_and_bad_arguments(lab02_store):
    res = run_upi_train("--help")
    assert res.returncode == 0 and "--data-size" in res.stdout and "--promote" in res.stdout
    assert "--features {v1,v2}" in res.stdout and "--margin-inr" in res.stdout
    res = run_upi_train("--max-iter", "-3")
    assert res.returncode == 2
    assert "argument --max-iter: must be a positive int, got '-3'" in res.stderr
    res = run_upi_train("--data-size", "huge")
    assert res.returncode == 2 and "argument --data-size: Unknown size 'huge': choose one of ci, default" in res.stderr
    assert "Traceback" not in res.stderr
    res = run_upi_train("--features", "v3")
    assert res.returncode == 2 and "invalid choice: 'v3'" in res.stderr
    res = run_upi_train("--margin-inr", "-1")
    assert res.returncode == 2 and "must be a non-negative float, got '-1'" in res.stderr


def test_upi_train_v2_without_lab_03_says_what_it_needs(lab02_store, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(workspace.project_dir(), project, ignore=shutil.ignore_patterns(
        "__pycache__", "feature_repo", "feature_pipeline.py"))
    res = run_upi_train("--features", "v2", project=project)
    assert res.returncode == 2
    assert "--features v2 needs lab 03's feature_pipeline.py in the project" in res.stderr


def test_upi_train_registers_a_new_version_from_a_shell(lab02_store):
    from mlflow import MlflowClient

    client = MlflowClient()
    before = len(client.search_model_versions(f"name = '{MODEL}'"))
    champion_before = client.get_model_version_by_alias(MODEL, "champion").version
    res = run_upi_train("--data-size", lab02_store["DATA_SIZE"], "--max-iter", "20", "--promote")
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"registered {MODEL} version {before + 1}" in res.stdout
    versions = client.search_model_versions(f"name = '{MODEL}'")
    assert len(versions) == before + 1
    new = next(v for v in versions if int(v.version) == before + 1)
    assert {"feature_set", "features", "eval_digest", "eval_rows"} <= set(new.tags)
    # --promote moves the alias only for a better model; either way it says what it did, in rupees.
    champion_after = client.get_model_version_by_alias(MODEL, "champion").version
    if "promoted version" in res.stdout:
        assert str(champion_after) == str(before + 1)
    else:
        assert re.search(rf"kept champion version {champion_before}: .*₹", res.stdout), res.stdout
        assert champion_after == champion_before


def test_the_gate_rescores_a_ci_champion_on_a_default_size_challengers_frame(lab02_store, tmp_path):
    """Champion recorded at ci (20k payments), challenger trained at default (300k): like is compared with like."""
    import mlflow
    from mlflow import MlflowClient
    from upi_kit import data

    from mlops_course import periods

    shutil.copytree(workspace.project_dir(), tmp_path / "workspace" / "project",
                    ignore=shutil.ignore_patterns("__pycache__", "feature_repo"))
    before = mlflow.get_tracking_uri()
    try:
        with workspace.using(tmp_path / "workspace"):
            res = run_upi_train("--data-size", "ci", "--max-iter", "20", "--promote")
            assert res.returncode == 0 and "promoted version 1: no champion yet" in res.stdout, res.stderr[-3000:]
            res = run_upi_train("--data-size", "default", "--max-iter", "20", "--promote")
            assert res.returncode == 0, res.stderr[-3000:]
            assert "registered upi-fraud-detector version 2" in res.stdout
            mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
            client = MlflowClient()
            run = client.get_run(client.get_model_version(MODEL, "2").run_id).data
            champion = client.get_model_version(MODEL, "1")
            champion_logged = client.get_run(champion.run_id).data.metrics["valid_net_value_inr"]
    finally:
        mlflow.set_tracking_uri(before)
    valid_default = periods.reference_split(data.load("default").transactions)["valid"]
    assert run.tags["gate_champion_version"] == "1"
    assert run.tags["gate_champion_digest"] == run.tags["gate_challenger_digest"] == data.dataset_digest(valid_default)
    assert champion.tags["eval_digest"] != run.tags["gate_champion_digest"], "the champion was logged on the ci frame"
    assert run.metrics["gate_champion_valid_net_value_inr"] != champion_logged, "re-scored, not read from its run"
    assert ("promoted version 2" in res.stdout) == (run.tags["gate_decision"] == "promoted")
