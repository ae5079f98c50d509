"""Lab 02's crafted cases: small experiments, registries and evaluations where the usual wrong answers differ.

At the `ci` size a wrong method often picks the same run or version as the right one, by luck. These cases are
built so that each typical mistake picks something else, and each mistake has its sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

VALUE = "metrics.valid_net_value_inr"

T0 = pd.Timestamp("2025-09-01 09:00", tz="UTC")


def runs_frame(rows: list[tuple[str, str, Any, float, float, int]]) -> pd.DataFrame:
    """A frame shaped like `mlflow.search_runs()`: newest run first, an index that is not 0, 1, 2...

    Each row: (run name, status, candidate tag, validation rupees, validation PR-AUC, start minute).
    """
    frame = pd.DataFrame({
        "run_id": [f"{name}-0{i}a9" for i, (name, *_) in enumerate(rows)],
        "experiment_id": "1",
        "status": [r[1] for r in rows],
        "start_time": [T0 + pd.Timedelta(minutes=r[5]) for r in rows],
        VALUE: [r[3] for r in rows],
        "metrics.valid_pr_auc": [r[4] for r in rows],
        "tags.candidate": [r[2] for r in rows],
        "tags.mlflow.runName": [r[0] for r in rows],
    })
    frame = frame.sort_values("start_time", ascending=False, kind="mergesort")
    frame.index = [10 * i + 7 for i in range(len(frame))][::-1]
    return frame


NAN = float("nan")
#: Crafted experiments, each with one trap: (what it tries, rows, {a wrong pick: what that mistake is}).
BEST_RUN_CASES: list[tuple[str, list, dict[str, str]]] = [
    ("PR-AUC against rupees", [
        ("logistic", "FINISHED", "yes", 667_322.0, 0.120, 0),
        ("hgb-fast", "FINISHED", "yes", 716_537.0, 0.374, 1),
        ("hgb-slow", "FINISHED", "yes", 760_404.0, 0.330, 2),
        ("hgb-mid", "FINISHED", "yes", 700_000.0, 0.300, 3),
    ], {"hgb-fast": "you picked by PR-AUC; the business metric is rupees: the highest metrics.valid_net_value_inr wins.",
        "hgb-mid": "you took the first row as search_runs returns it (the newest run): sort by "
                   "metrics.valid_net_value_inr, highest first.",
        "logistic": "you picked the lowest value: sort highest first (ascending=False, or DESC)."}),
    ("a FAILED run", [
        ("hgb-ok", "FINISHED", "yes", 716_537.0, 0.33, 1),
        ("hgb-other", "FINISHED", "yes", 690_837.0, 0.33, 2),
        ("crashed", "FAILED", "yes", 900_000.0, 0.40, 3),
    ], {"crashed": "you picked a run that FAILED (it logged a number, then crashed): keep only runs with "
                   "status 'FINISHED'."}),
    ("runs that are not candidates", [
        ("rules-baseline", "FINISHED", "no", 950_000.0, 0.05, 1),
        ("hgb-ok", "FINISHED", "yes", 716_537.0, 0.33, 2),
        ("hgb-sweep", "FINISHED", "no", NAN, NAN, 3),
        ("untagged", "FINISHED", NAN, 990_000.0, 0.30, 4),
    ], {"rules-baseline": "you picked the rules baseline, which is not a candidate model: keep only runs tagged "
                          "candidate = 'yes'.",
        "untagged": "you picked a run without the candidate tag: keep only runs tagged candidate = 'yes'."}),
    ("a run without the metric", [
        ("hgb-ok", "FINISHED", "yes", 716_537.0, 0.33, 1),
        ("hgb-other", "FINISHED", "yes", 690_837.0, 0.33, 2),
        ("no-metric", "FINISHED", "yes", NAN, 0.90, 3),
    ], {"no-metric": "you picked a run that has no valid_net_value_inr (NaN): a run without the metric cannot "
                     "win."}),
    ("a tie", [
        ("hgb-first", "FINISHED", "yes", 716_537.0, 0.33, 1),
        ("hgb-other", "FINISHED", "yes", 690_837.0, 0.35, 2),
        ("hgb-rerun", "FINISHED", "yes", 716_537.0, 0.33, 3),
    ], {"hgb-rerun": "two runs tie on rupees and you picked the later one: a tie goes to the earliest start_time, "
                    "so the choice never depends on the order of the rows."}),
    ("the lowest value", [
        ("hgb-best", "FINISHED", "yes", 716_537.0, 0.30, 1),
        ("hgb-worst", "FINISHED", "yes", 600_000.0, 0.20, 2),
        ("hgb-mid", "FINISHED", "yes", 690_837.0, 0.36, 3),
    ], {"hgb-worst": "you picked the lowest value: sort highest first (ascending=False, or DESC)."}),
]


def all_at_once() -> list:
    """Every trap in one experiment, in start order not sorted by anything useful."""
    rows = []
    for n, (_, case, _) in enumerate(BEST_RUN_CASES):
        rows += [(f"{name}-{n}", status, cand, value, auc, 10 * n + minute)
                 for name, status, cand, value, auc, minute in case]
    return rows


CRAFTED_VERSIONS: list[tuple[float, str]] = [
    (700_000.0, "A"), (760_000.0, "A"), (9_400_000.0, "B"), (760_000.0, "A"), (720_000.0, "A"),
]
CRAFTED_MISTAKES = {
    "3": "version 3 was evaluated on other data (another eval_digest: a bigger frame, so a bigger number): "
         "compare only versions whose eval_digest tag is this frame's.",
    "4": "versions 2 and 4 tie and you chose the newer one: a tie keeps the older version.",
    "5": "you gave the alias to the latest version; the newest is not the best: compare the versions' "
         "validation rupees.",
}


@contextmanager
def scratch_registry() -> Iterator[Any]:
    """A throwaway tracking store and registry (temporary SQLite), the process's MLflow pointed at it for the block.

    The learner's registry is never touched: the crafted versions live and die here.
    """
    import logging
    import os
    import tempfile
    from pathlib import Path

    import mlflow
    from mlflow import MlflowClient

    before, env = mlflow.get_tracking_uri(), os.environ.get("MLFLOW_TRACKING_URI")
    chatty = logging.getLogger("mlflow.store.db.utils")  # "Creating initial MLflow database tables..."
    level = chatty.level
    with tempfile.TemporaryDirectory(prefix="mlops-check-2.3-") as tmp:
        uri = f"sqlite:///{Path(tmp) / 'crafted.db'}"
        try:
            chatty.setLevel(logging.WARNING)
            mlflow.set_tracking_uri(uri)
            client = MlflowClient(tracking_uri=uri, registry_uri=uri)
            _craft_registry(client, "crafted-model", Path(tmp) / "artifacts")
            yield client
        finally:
            chatty.setLevel(level)
            mlflow.set_tracking_uri(before)
            if env is None:
                os.environ.pop("MLFLOW_TRACKING_URI", None)
            else:
                os.environ["MLFLOW_TRACKING_URI"] = env


def _craft_registry(client: Any, name: str, artifacts: Any) -> None:
    experiment = client.create_experiment("crafted", artifact_location=artifacts.as_uri())
    client.create_registered_model(name)
    for value, frame in CRAFTED_VERSIONS:
        run = client.create_run(experiment, tags={"candidate": "yes"})
        client.log_metric(run.info.run_id, "valid_net_value_inr", value)
        client.set_terminated(run.info.run_id)
        client.create_model_version(name, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id,
                                    tags={"eval_digest": frame, "eval_rows": "1693" if frame == "A" else "24861"})


def gate_cases(Evaluation: Any, digest: str, rows: int, value: float) -> list[tuple[str, Any, Any, float, Any, str]]:
    """(what, challenger, champion, margin, expected: True/False/ValueError, what the mistake is)."""
    def ev(version: str, inr: float, frame: str = digest, n: int = rows) -> Any:
        return Evaluation(version, inr, frame, n)

    refuse = ("re-score both on the same frame; raise ValueError when frame_digest or rows differ, never compare "
              "their numbers.")
    return [
        ("no champion yet", ev("1", value), None, 0.0, True,
         "with no champion yet (champion is None), promote the challenger."),
        ("a champion evaluated on other rows of the same size", ev("2", value + 50_000), ev("1", value, "another-frame"),
         0.0, ValueError, f"the two were evaluated on different data (another frame_digest): {refuse}"),
        ("a champion evaluated on a smaller frame", ev("2", value * 15), ev("1", value, digest, max(1, rows // 15)),
         0.0, ValueError, f"the champion was scored on {max(1, rows // 15):,} rows and the challenger on {rows:,}: "
         f"{refuse}"),
        ("a tie", ev("2", value), ev("1", value), 0.0, False,
         "a tie promoted the challenger: equal is not better, keep the champion (promote only above champion + margin)."),
        ("a worse challenger", ev("2", value - 40_000), ev("1", value), 0.0, False,
         "a challenger that saves less was promoted: compare challenger > champion + margin."),
        ("a gain below the margin", ev("2", value + 500), ev("1", value), 1_000.0, False,
         "the challenger saves \u20b9500 more, less than the margin of \u20b91,000, and you promoted it: the margin "
         "must be beaten."),
        ("a gain exactly at the margin", ev("2", value + 1_000), ev("1", value), 1_000.0, False,
         "a gain of exactly the margin promoted the challenger: promote only when it is above the margin."),
        ("a gain just above the margin", ev("2", value + 1_000.5), ev("1", value), 1_000.0, True,
         "the challenger beats the champion by more than the margin, and you kept the champion."),
    ]
