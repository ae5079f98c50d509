"""Checks for lab 02 (experiment tracking and the model registry).

They read the real tracking store in the workspace, so they check what MLflow
recorded, not what a variable says.
"""

from __future__ import annotations

from typing import Any

from ..checks import Wrong, exercise, require_type


def _client() -> Any:
    from mlflow import MlflowClient

    return MlflowClient()


@exercise(
    "2.1",
    "log the missing metric",
    hint=(
        "A metric logged inside the run's `with mlflow.start_run(...)` block belongs to that run: log the"
        " PR-AUC on the validation month under the name 'valid_pr_auc'.",
        "`mlflow.log_metric(name, value)`, with the value `average_precision_score(valid.is_fraud, "
        "scores)` for this model's validation scores (the validation month, not the test one).",
    ),
)
def log_metric(run_id: Any, expected: float) -> str:
    require_type(run_id, str, "`lr_run_id`")
    try:
        run = _client().get_run(run_id)
    except Exception:
        raise Wrong(f"there is no run with id {run_id!r} in the tracking store.") from None
    metrics = run.data.metrics
    if "valid_pr_auc" not in metrics:
        names = ", ".join(sorted(metrics)) or "none"
        raise Wrong(f"run {run.info.run_name!r} has no metric 'valid_pr_auc' (it has: {names}).")
    if abs(metrics["valid_pr_auc"] - expected) > 1e-9:
        raise Wrong(
            f"'valid_pr_auc' is {metrics['valid_pr_auc']:.4f} but the model's PR-AUC on the validation month is "
            f"{expected:.4f}: log average_precision_score(valid.is_fraud, lr_scores)."
        )
    return "Open the run in the UI: the metric is there for every teammate, forever."


@exercise(
    "2.2",
    "find the best run by the business metric",
    hint=(
        "Ask the tracking store, not your memory: search the experiment's candidate runs (tagged "
        "candidate='yes'), ordered by the business metric, rupees saved on validation, best first.",
        "`mlflow.search_runs(experiment_names=[...], filter_string=\"tags.candidate = 'yes'\", "
        "order_by=[\"metrics.valid_net_value_inr DESC\"])` returns a DataFrame, best first; take the "
        "'run_id' of its first row. The trap: ordering by PR-AUC picks another run.",
    ),
)
def best_run(run_id: Any, experiment: str) -> str:
    import mlflow

    require_type(run_id, str, "`best_run_id`")
    runs = mlflow.search_runs(experiment_names=[experiment], filter_string="tags.candidate = 'yes'")
    if runs.empty:
        raise Wrong(f"no run in experiment {experiment!r} is tagged candidate='yes'; run the training cells first.")
    by_value = runs.sort_values("metrics.valid_net_value_inr", ascending=False, kind="mergesort")
    best = by_value.iloc[0]
    if run_id == best["run_id"]:
        return f"{best['tags.mlflow.runName']} saves \u20b9{best['metrics.valid_net_value_inr']:,.0f} on validation."
    if run_id not in set(runs["run_id"]):
        raise Wrong("that run is not one of the candidate model runs (tagged candidate='yes').")
    if "metrics.valid_pr_auc" in runs and run_id == runs.sort_values("metrics.valid_pr_auc", ascending=False).iloc[0]["run_id"]:
        raise Wrong("that is the best run by PR-AUC; the course picks by rupees: order by metrics.valid_net_value_inr.")
    raise Wrong("that run is a candidate but not the best one: order by metrics.valid_net_value_inr DESC.")


@exercise(
    "2.3",
    "give the best version the champion alias",
    hint=(
        "An alias is a movable name for one version of a registered model: point 'champion' at the best "
        "version, and every piece of code that loads by alias follows it.",
        "`client.set_registered_model_alias(name, alias, version)`, with the `.version` of the "
        "ModelVersion that `mlflow.register_model` returned (aliases replace the deprecated stages).",
    ),
)
def champion_alias(model_name: str, expected_version: Any) -> str:
    client = _client()
    try:
        mv = client.get_model_version_by_alias(model_name, "champion")
    except Exception:
        raise Wrong(f"registered model {model_name!r} has no 'champion' alias yet.") from None
    if str(mv.version) != str(expected_version):
        raise Wrong(f"'champion' points to version {mv.version}, but the best version is {expected_version}.")
    return f"models:/{model_name}@champion now means version {mv.version}; move the alias to promote, no code change."


@exercise(
    "2.4",
    "load the champion by its alias",
    hint=(
        "Load the model by its alias, not by a version number or a run id, so this code never changes "
        "when a new champion is promoted.",
        "`mlflow.pyfunc.load_model(uri)` with a model URI of the form `models:/<registered model "
        "name>@<alias>`.",
    ),
)
def load_champion(model: Any, model_name: str) -> str:
    import mlflow

    if model is None:
        raise Wrong("`champion` is still None: load the model with mlflow.pyfunc.load_model(...).")
    if not isinstance(model, mlflow.pyfunc.PyFuncModel):
        raise Wrong(f"`champion` is a {type(model).__name__}; load it with mlflow.pyfunc.load_model, which gives a PyFuncModel.")
    mv = _client().get_model_version_by_alias(model_name, "champion")
    if model.metadata.model_id and mv.model_id and model.metadata.model_id != mv.model_id:
        raise Wrong(f"this model is not version {mv.version} (the champion): load 'models:/{model_name}@champion'.")
    return "Code that loads by alias never changes when a new champion is promoted."
