"""What lab 02 leaves behind, read back from the course workspace: runs, the registry, train.py."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from chain import completed_lab

from mlops_course import workspace


@pytest.fixture(scope="module")
def lab02_store(course_ws):
    lab = completed_lab(course_ws, "02-experiment-tracking")
    import mlflow

    mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
    return lab.params("ci")


def test_lab02_tracking_store_has_the_experiment_and_rupee_runs(lab02_store):
    import mlflow

    runs = mlflow.search_runs(experiment_names=["upi-fraud"])
    assert not runs.empty, "experiment upi-fraud is missing or empty"
    with_rupees = runs[runs["metrics.valid_net_value_inr"].notna()]
    assert len(with_rupees) >= 3
    assert {"rules", "linear", "gbm"} <= set(runs["tags.model_family"].dropna())
    artifact_root = workspace.mlflow_artifact_root()
    assert any(artifact_root.rglob("precision_recall_and_alerts.png")), "artifacts must land in the workspace"


def test_lab02_champion_alias_loads_and_scores(lab02_store):
    import mlflow
    from mlflow import MlflowClient

    from mlops_course import data

    client = MlflowClient()
    champ = client.get_model_version_by_alias("upi-fraud-detector", "champion")
    versions = client.search_model_versions("name = 'upi-fraud-detector'")
    best = max(client.get_run(v.run_id).data.metrics["valid_net_value_inr"] for v in versions)
    assert client.get_run(champ.run_id).data.metrics["valid_net_value_inr"] == best, "the alias must point to the best"
    model = mlflow.pyfunc.load_model("models:/upi-fraud-detector@champion")
    sys.path.insert(0, str(workspace.project_dir()))
    try:
        import features
    finally:
        sys.path.pop(0)
    upi = data.load(lab02_store["DATA_SIZE"])
    _, _, test = features.split_by_time(upi.transactions)
    proba = model.predict(features.build_features(test.head(50), upi.customers))
    assert proba.shape == (50, 2) and ((proba >= 0) & (proba <= 1)).all()


def test_lab02_logged_dataset_digest_matches_the_generated_data(lab02_store):
    from mlflow import MlflowClient

    from mlops_course import data, periods

    upi = data.load(lab02_store["DATA_SIZE"], seed=42)
    expected = data.dataset_digest(periods.reference_split(upi.transactions)["train"])
    import mlflow

    runs = mlflow.search_runs(experiment_names=["upi-fraud"], filter_string="tags.candidate = 'yes'")
    run = MlflowClient().get_run(runs.iloc[0]["run_id"])
    training = [d.dataset for d in run.inputs.dataset_inputs if any(t.value == "training" for t in d.tags)]
    assert training, "the run logged no training dataset"
    assert training[0].digest == expected
    assert run.data.tags["dataset_digest"] == upi.digest


def run_train_py(*args, timeout=600):
    script = workspace.project_dir() / "train.py"
    assert script.exists(), "lab 02 writes project/train.py"
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=str(workspace.root()), env={**os.environ, **workspace.environment()})


def test_train_py_help_and_bad_arguments(lab02_store):
    res = run_train_py("--help")
    assert res.returncode == 0 and "--data-size" in res.stdout and "--promote" in res.stdout
    res = run_train_py("--max-iter", "-3")
    assert res.returncode == 2
    assert "argument --max-iter: must be a positive int, got '-3'" in res.stderr
    res = run_train_py("--data-size", "huge")
    assert res.returncode == 2 and "invalid choice: 'huge'" in res.stderr


def test_train_py_registers_a_new_version_from_a_shell(lab02_store):
    from mlflow import MlflowClient

    client = MlflowClient()
    before = len(client.search_model_versions("name = 'upi-fraud-detector'"))
    champion_before = client.get_model_version_by_alias("upi-fraud-detector", "champion").version
    res = run_train_py("--data-size", lab02_store["DATA_SIZE"], "--max-iter", "20", "--promote")
    assert res.returncode == 0, res.stderr[-3000:]
    assert f"registered upi-fraud-detector version {before + 1}" in res.stdout
    assert len(client.search_model_versions("name = 'upi-fraud-detector'")) == before + 1
    # --promote moves the alias only for a better model; either way it says what it did.
    champion_after = client.get_model_version_by_alias("upi-fraud-detector", "champion").version
    if "promoted version" in res.stdout:
        assert champion_after == str(before + 1)
    else:
        assert "kept champion" in res.stdout and champion_after == champion_before


