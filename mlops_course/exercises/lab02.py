"""Checks for lab 02 (experiment tracking and the model registry).

The API exercises read the real tracking store in the workspace, so they check
what MLflow recorded, not what a variable says. The build exercises (the
learner's `selection.py`, `promote_best`, `gate.py`) are run on crafted cases
where the usual wrong methods give another answer than the right one (at the
small `ci` size they often pick the same run by luck), then on the lab's data.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..checks import Wrong, call_learner, exercise, require_type
from ._lab02_cases import (
    BEST_RUN_CASES,
    CRAFTED_MISTAKES,
    all_at_once,
    gate_cases,
    runs_frame,
    scratch_registry,
)

VALUE = "metrics.valid_net_value_inr"
RUPEE = "\u20b9"


def _client() -> Any:
    from mlflow import MlflowClient

    return MlflowClient()


def _inr(value: float) -> str:
    return f"{RUPEE}{value:,.0f}"


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


# --- 2.2: the best run -------------------------------------------------------------------------

def reference_best_run(runs: pd.DataFrame) -> str | None:
    """The course's answer: finished candidate runs, highest validation rupees, ties to the earliest start."""
    ok = runs[(runs["status"] == "FINISHED") & (runs["tags.candidate"] == "yes") & runs[VALUE].notna()]
    if ok.empty:
        return None
    best = ok.sort_values([VALUE, "start_time"], ascending=[False, True], kind="mergesort")
    return str(best.iloc[0]["run_id"])


def _run_name(runs: pd.DataFrame, run_id: str) -> str:
    hit = runs.loc[runs["run_id"] == run_id, "tags.mlflow.runName"]
    return str(hit.iloc[0]) if len(hit) else run_id


def _check_pick(func: Callable, runs: pd.DataFrame, where: str, mistakes: dict[str, str]) -> None:
    """Run best_run on one frame; `where` says which ("on a crafted experiment (a tie)"), `mistakes` names wrong picks."""
    expected = reference_best_run(runs)
    got = call_learner(func, "best_run", runs.copy())
    if isinstance(got, (pd.Series, pd.DataFrame)) or not isinstance(got, str):
        raise Wrong(f"best_run should return the run id, a str, but it returned {type(got).__name__}: return "
                    "the 'run_id' of the chosen row.")
    if got == expected:
        return
    name = _run_name(runs, got)
    if name in mistakes:
        raise Wrong(f"{where}: {mistakes[name]}")
    want = runs.loc[runs["run_id"] == expected].iloc[0]
    if got not in set(runs["run_id"]):
        raise Wrong(f"best_run returned {got!r}, which is not a run_id of the frame it was given.")
    raise Wrong(f"{where}, best_run picked {name!r}, but the best finished candidate is "
                f"{want['tags.mlflow.runName']!r} ({_inr(want[VALUE])} on validation).")


@exercise(
    "2.2",
    "find the best run by the business metric",
    hint=(
        "Only some runs may win: those that finished (status) and are candidate models (tag candidate = "
        "'yes'), with a validation value. Among them the highest rupees on validation wins, and a tie "
        "must not depend on the order of the rows.",
        "Columns of `mlflow.searchruns_frame()`: 'status', 'tags.candidate', 'metrics.valid_net_value_inr', "
        "'start_time', 'run_id'. `sort_values([...], ascending=[False, True])` sorts by two columns at "
        "once. The traps: PR-AUC is not rupees; a FAILED run may have logged a big number.",
    ),
)
def best_run(func: Any, runs: Any) -> str:
    for what, rows, mistakes in BEST_RUN_CASES:
        _check_pick(func, runs_frame(rows), f"on a crafted experiment ({what})", mistakes)
    every = {f"{name}-{n}": why for n, (_, _, m) in enumerate(BEST_RUN_CASES) for name, why in m.items()}
    _check_pick(func, runs_frame(all_at_once()), "on a crafted experiment (every trap at once)", every)
    require_type(runs, pd.DataFrame, "`runs`")
    if reference_best_run(runs) is None:
        raise Wrong("the experiment has no finished candidate run with a validation value; run the training cells first.")
    _check_pick(func, runs, "on this lab's runs", {})
    best = runs.loc[runs["run_id"] == reference_best_run(runs)].iloc[0]
    return (f"{best['tags.mlflow.runName']} saves {_inr(best[VALUE])} on validation; your function also passed the "
            "crafted experiments (PR-AUC vs rupees, a FAILED run, non-candidates, a tie, a missing metric).")


# --- 2.3: the champion alias on the best version ------------------------------------------------

#: The crafted registry: (validation rupees, evaluation frame) per version 1, 2, ...; frame "A" is "this lab's".
def reference_best_version(client: Any, name: str, eval_digest: str) -> str | None:
    """The course's answer: among versions evaluated on this frame, the highest validation rupees; ties to the older."""
    versions = [mv for mv in client.search_model_versions(f"name = '{name}'")
                if mv.tags.get("eval_digest") == eval_digest]
    scored = [(client.get_run(mv.run_id).data.metrics.get("valid_net_value_inr", -math.inf), -int(mv.version), mv)
              for mv in versions]
    return str(max(scored, key=lambda s: s[:2])[2].version) if scored else None


def _alias(client: Any, name: str) -> str | None:
    try:
        return str(client.get_model_version_by_alias(name, "champion").version)
    except Exception:
        return None


@exercise(
    "2.3",
    "give the best version the champion alias",
    hint=(
        "List the model's versions, keep those evaluated on this validation frame (their eval_digest tag), "
        "and read each one's validation rupees from the run that made it. Point 'champion' at the best; "
        "the newest version is not necessarily the best, and a tie keeps the older version.",
        "`client.search_model_versions(f\"name = '{model_name}'\")` gives ModelVersions with .version, "
        ".run_id and .tags; `client.get_run(run_id).data.metrics` holds 'valid_net_value_inr'; "
        "`client.set_registered_model_alias(name, alias, version)` moves the alias.",
    ),
)
def champion_alias(func: Any, model_name: str, eval_digest: str) -> str:
    if func is None or not callable(func):
        raise Wrong("`promote_best` should be a function taking (client, model_name, eval_digest).")
    with scratch_registry() as scratch:
        returned = call_learner(func, "promote_best", scratch, "crafted-model", "A")
        chosen = _alias(scratch, "crafted-model")
    expected = "2"
    if chosen is None:
        raise Wrong("on a crafted registry, promote_best set no 'champion' alias: call "
                    "client.set_registered_model_alias(model_name, 'champion', version).")
    if chosen != expected:
        why = CRAFTED_MISTAKES.get(chosen, f"you chose version {chosen}, but version {expected} saves the most.")
        raise Wrong(f"on a crafted registry (versions 1-5, the latest one worse than version 2): {why}")
    if str(returned) != expected:
        raise Wrong(f"promote_best moved the alias to version {expected} but returned {returned!r}: return the "
                    "version number it chose.")
    client = _client()
    want = reference_best_version(client, model_name, eval_digest)
    if want is None:
        raise Wrong(f"no version of {model_name!r} has eval_digest {eval_digest!r}; run the registration cell first.")
    actual = _alias(client, model_name)
    if actual != want:
        raise Wrong(f"'champion' of {model_name!r} points to version {actual}, but the best version evaluated on this "
                    f"frame is version {want}: call promote_best(client, MODEL_NAME, valid_digest).")
    return (f"models:/{model_name}@champion is the best version on this validation frame, and your function passed "
            "a crafted registry (the latest version worse, a tie, a version scored on other data).")


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
    return "Code that loads by alias follows the champion; the version's tags say which inputs it needs."


# --- 2.5: the promotion gate ----------------------------------------------------------------------

@exercise(
    "2.5",
    "the promotion gate",
    hint=(
        "Three questions, in order: is there a champion at all? Were both scored on the same data (same "
        "frame digest and the same number of rows)? If not, refuse loudly: numbers from different frames "
        "do not compare. Otherwise promote only if the challenger saves more than the champion plus the "
        "margin; a tie keeps the champion.",
        "Return a tuple `(promote, reason)`, the reason in rupees (f\"\u20b9{x:,.0f}\"); `raise "
        "ValueError(...)` for different frames. The traps: `>=` promotes a tie, and comparing without "
        "checking `frame_digest` and `rows` compares a champion scored on 1,693 payments with a "
        "challenger scored on 24,861.",
    ),
)
def promotion_gate(gate: Any, eval_digest: str, rows: int, champion_value: float) -> str:
    Evaluation = getattr(gate, "Evaluation", None)
    if Evaluation is None or not callable(getattr(gate, "decide", None)):
        raise Wrong("`gate` should be your project's gate module, with Evaluation and decide.")
    for case in gate_cases(Evaluation, eval_digest, rows, float(champion_value)):
        _gate_case(gate.decide, *case)
    return ("A champion is replaced only by a model that saves more rupees than it, by the margin, on the same "
            "data; upi-train --promote uses your gate.")


def _gate_case(decide: Callable, what: str, challenger: Any, champion: Any, margin: float, expected: Any,
               mistake: str) -> None:
    """Run one crafted case through the learner's decide(); raise Wrong naming the mistake."""
    try:
        got = decide(challenger, champion, margin)
    except NotImplementedError:
        raise
    except ValueError:
        if expected is ValueError:
            return
        raise Wrong(f"with {what}, decide raised ValueError, but these two were scored on the same frame: "
                    "compare their rupees.") from None
    except Exception as err:
        raise Wrong(f"with {what}, decide raised {type(err).__name__}: {err}; {mistake}") from None
    if expected is ValueError:
        raise Wrong(f"with {what}, decide returned {got!r}: {mistake}")
    if not (isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], str)):
        raise Wrong(f"decide should return a tuple (promote, reason), but it returned {got!r}.")
    promote, reason = got
    if bool(promote) is not expected:
        raise Wrong(f"with {what}: {mistake}")
    if not any(mark in reason for mark in (RUPEE, "INR", "rupee")):
        raise Wrong(f"with {what}, the reason {reason!r} does not say it in rupees: give the amounts "
                    f"(f\"{RUPEE}{{value:,.0f}}\").")
