"""End to end: every built lab runs, repeats, and shows learners the right first stop.

1. papermill executes each built solution in course order on one fresh
   temporary workspace with the `ci` parameters from course.yml (executed
   notebooks are kept under build/test-run/ for inspection);
2. nbval (--nbval-lax) re-executes each executed notebook with the same injected
   parameters on the same workspace and compares the `# NBVAL_CHECK_OUTPUT`
   cells: the lab repeats and survives a second run on its own state;
3. each generated labs/ notebook runs until its first exercise stub and stops
   there with the course's ExerciseNotDone, and nothing else.
"""

from __future__ import annotations

import os
import subprocess
import sys

import papermill as pm
import pytest

from mlops_course import catchup, manifest, notebooks, workspace

ROOT = workspace.course_root()
COURSE = manifest.load()
OUT = ROOT / "build" / "test-run"
LABS = [pytest.param(lab, id=lab.id) for lab in COURSE.labs]



@pytest.fixture(scope="module")
def course_ws(tmp_path_factory):
    """One workspace for the whole course run, as a learner would have."""
    with workspace.using(tmp_path_factory.mktemp("course") / "workspace", MLOPS_CATCHUP_SIZE="ci") as path:
        (OUT / "solutions").mkdir(parents=True, exist_ok=True)  # each run overwrites its own notebook:
        (OUT / "labs").mkdir(parents=True, exist_ok=True)       # two xdist chains share this folder
        yield path


def built_or_skip(lab):
    if not lab.built:
        pytest.skip(f"{lab.id} is planned in course.yml (status: planned), not built yet")


def execute(src, out, lab, cwd):
    """Run a notebook at the ci size; a cell that takes 3x the lab's whole ci budget is a hang, not a slow lab."""
    return pm.execute_notebook(
        str(src), str(out), parameters=lab.params("ci"), cwd=str(cwd), kernel_name="python3",
        progress_bar=False, execution_timeout=3 * lab.ci_seconds,
    )


def run_solution(lab):
    """Execute a lab's solution (catching up its prerequisites first), so any one lab's tests run alone."""
    catchup.require(*lab.requires, size="ci")
    out = OUT / "solutions" / lab.notebook
    nb = execute(ROOT / "solutions" / lab.notebook, out, lab, cwd=ROOT / "solutions")
    EXECUTED.add(lab.id)
    return nb, out


#: Labs executed in this session (build/test-run may hold notebooks from an earlier session).
EXECUTED: set[str] = set()


@pytest.mark.parametrize("lab", LABS)
def test_solution_runs_end_to_end_at_ci_size(lab, course_ws):
    built_or_skip(lab)
    nb, _ = run_solution(lab)
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert catchup.is_complete(lab.id), "the lab did not record completion"


@pytest.mark.parametrize("lab", LABS)
def test_solution_repeats_under_nbval(lab, course_ws):
    built_or_skip(lab)
    executed = OUT / "solutions" / lab.notebook
    if lab.id not in EXECUTED:  # this lab's end-to-end test did not run in this session (e.g. `-k` chose this test)
        run_solution(lab)
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-o", "addopts=", "--rootdir", str(OUT), "-q", str(executed)],
        cwd=OUT / "solutions", capture_output=True, text=True, timeout=1800,
    )
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-2000:]
    assert " passed" in res.stdout and "failed" not in res.stdout


@pytest.mark.parametrize("lab", LABS)
def test_learner_lab_stops_at_its_first_exercise(lab, course_ws):
    built_or_skip(lab)
    catchup.require(*lab.requires, size="ci")
    src = ROOT / "labs" / lab.notebook
    exercises = notebooks.exercise_ids(notebooks.read(ROOT / "solutions" / lab.notebook))
    assert exercises, f"{lab.id} has no exercises"
    out = OUT / "labs" / lab.notebook
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute(src, out, lab, cwd=ROOT / "labs")
    assert err.value.ename == "ExerciseNotDone"
    assert err.value.evalue.startswith(f"Exercise {exercises[0]} is not done yet")
    ran = notebooks.read(out)
    code = [c for c in ran["cells"] if c["cell_type"] == "code" and "injected-parameters" not in c["metadata"].get("tags", [])]
    failing = [i for i, c in enumerate(code) if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    first_stub = next(i for i, c in enumerate(code) if "mc.todo(" in notebooks.source(c))
    assert failing == [first_stub], "only the first exercise cell may fail, and it must"


# --- What lab 02 leaves behind, read back from the workspace it ran in ------------------------------


def completed_lab(course_ws, lab_id):
    """The lab, completed in the course workspace (caught up here if this test runs alone)."""
    lab = COURSE.lab(lab_id)
    built_or_skip(lab)
    catchup.require(lab.id, size="ci")
    return lab


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


# --- What lab 03 leaves behind ----------------------------------------------------------------------


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
