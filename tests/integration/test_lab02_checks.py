"""Lab 02's checks that read an MLflow store (a SQLite store in a temporary workspace; creating one takes seconds).

2.1 reads a run's metric, 2.3 runs the learner's promote_best on a crafted registry of its own and then reads the
real alias, 2.4 compares a loaded model with the champion.
"""

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from mlops_course import workspace
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab02

MODEL = "upi-fraud-detector"
FRAME = "3f9a0c5d2e7b1a44"


@pytest.fixture
def store(tmp_path):
    """A workspace with an experiment; the process's MLflow points at it for the test only."""
    before = mlflow.get_tracking_uri()
    with workspace.using(tmp_path / "workspace"):
        mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
        experiment = mlflow.create_experiment("upi-fraud", artifact_location=workspace.mlflow_artifact_root().as_uri())
        yield MlflowClient(), experiment
    mlflow.set_tracking_uri(before)


def register(client, experiment, value, frame=FRAME):
    run = client.create_run(experiment, tags={"candidate": "yes"})
    client.log_metric(run.info.run_id, "valid_net_value_inr", value)
    client.set_terminated(run.info.run_id)
    if not client.search_registered_models(f"name = '{MODEL}'"):
        client.create_registered_model(MODEL)
    return client.create_model_version(MODEL, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id,
                                       tags={"eval_digest": frame}).version


def value(client, mv):
    return client.get_run(mv.run_id).data.metrics["valid_net_value_inr"]


def right(client, model_name, eval_digest):
    versions = [mv for mv in client.search_model_versions(f"name = '{model_name}'")
                if mv.tags.get("eval_digest") == eval_digest]
    best = max(sorted(versions, key=lambda mv: int(mv.version)), key=lambda mv: value(client, mv))
    client.set_registered_model_alias(model_name, "champion", best.version)
    return str(best.version)


def right_by_filter(client, model_name, eval_digest):
    """Another right answer: the registry filters by tag, and the key sorts ties by version."""
    versions = client.search_model_versions(f"name = '{model_name}' and tags.eval_digest = '{eval_digest}'")
    best = min(versions, key=lambda mv: (-value(client, mv), int(mv.version)))
    client.set_registered_model_alias(model_name, "champion", best.version)
    return int(best.version)


def latest(client, model_name, eval_digest):
    newest = max(client.search_model_versions(f"name = '{model_name}'"), key=lambda mv: int(mv.version))
    client.set_registered_model_alias(model_name, "champion", newest.version)
    return newest.version


def any_frame(client, model_name, eval_digest):
    best = max(client.search_model_versions(f"name = '{model_name}'"), key=lambda mv: (value(client, mv), -int(mv.version)))
    client.set_registered_model_alias(model_name, "champion", best.version)
    return best.version


def newer_on_tie(client, model_name, eval_digest):
    versions = [mv for mv in client.search_model_versions(f"name = '{model_name}'")
                if mv.tags.get("eval_digest") == eval_digest]
    best = max(versions, key=lambda mv: (value(client, mv), int(mv.version)))
    client.set_registered_model_alias(model_name, "champion", best.version)
    return best.version


@pytest.fixture
def registry(store):
    """This lab's registry after two runs: version 2 is best; version 3 (newest) is worse."""
    client, experiment = store
    for v in (700_000.0, 716_537.0, 690_000.0):
        register(client, experiment, v)
    return client


@pytest.mark.parametrize("func", [right, right_by_filter])
def test_champion_alias_accepts_right_variants(func, registry, capsys):
    func(registry, MODEL, FRAME)
    lab02.champion_alias.check(func, MODEL, FRAME)
    assert "correct" in capsys.readouterr().out
    assert registry.get_model_version_by_alias(MODEL, "champion").version in (2, "2")


@pytest.mark.parametrize(("func", "message"), [
    (latest, "you gave the alias to the latest version; the newest is not the best"),
    (any_frame, "version 3 was evaluated on other data"),
    (newer_on_tie, "versions 2 and 4 tie and you chose the newer one"),
    (lambda client, name, digest: None, "set no 'champion' alias"),
])
def test_champion_alias_names_each_mistake_on_the_crafted_registry(func, message, registry):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab02.champion_alias.check(func, MODEL, FRAME)


def test_champion_alias_leaves_the_learners_store_alone(registry):
    before = mlflow.get_tracking_uri()
    right(registry, MODEL, FRAME)
    lab02.champion_alias.check(right, MODEL, FRAME)
    assert mlflow.get_tracking_uri() == before
    assert [m.name for m in registry.search_registered_models()] == [MODEL]


def test_champion_alias_checks_the_real_alias_and_the_return_value(registry):
    registry.set_registered_model_alias(MODEL, "champion", "3")
    with pytest.raises(ExerciseIncorrect, match="points to version 3, but the best version evaluated on this frame is version 2"):
        lab02.champion_alias.check(lambda client, name, digest: right(client, name, digest) if name != MODEL else "2",
                                   MODEL, FRAME)
    with pytest.raises(ExerciseIncorrect, match="return the version number"):
        lab02.champion_alias.check(lambda client, name, digest: right(client, name, digest) and "the best", MODEL, FRAME)


def test_champion_alias_stub_is_not_done(registry):
    def stub(client, name, digest):
        raise NotImplementedError

    with pytest.raises(ExerciseNotDone):
        lab02.champion_alias.check(stub, MODEL, FRAME)


def test_log_metric(store):
    client, experiment = store
    run = client.create_run(experiment)
    with pytest.raises(ExerciseIncorrect, match="has no metric 'valid_pr_auc'"):
        lab02.log_metric.check(run.info.run_id, 0.3)
    client.log_metric(run.info.run_id, "valid_pr_auc", 0.25)
    with pytest.raises(ExerciseIncorrect, match="'valid_pr_auc' is 0.2500 but the model's PR-AUC"):
        lab02.log_metric.check(run.info.run_id, 0.3)
    lab02.log_metric.check(run.info.run_id, 0.25)


@pytest.mark.filterwarnings("ignore:Hint. Inferred schema contains integer")
def test_load_champion(store):
    from sklearn.linear_model import LogisticRegression

    client, experiment = store
    X = pd.DataFrame({"amount_inr": np.arange(20, dtype=float)})
    model = LogisticRegression().fit(X, np.arange(20) % 2)
    with mlflow.start_run(experiment_id=experiment):
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=MODEL, pip_requirements=[],
                                        input_example=X.head(2))
    client.set_registered_model_alias(MODEL, "champion", "1")
    with pytest.raises(ExerciseIncorrect, match="still None"):
        lab02.load_champion.check(None, MODEL)
    with pytest.raises(ExerciseIncorrect, match="gives a PyFuncModel"):
        lab02.load_champion.check(model, MODEL)
    lab02.load_champion.check(mlflow.pyfunc.load_model(f"models:/{MODEL}@champion"), MODEL)
    assert info.model_uri
