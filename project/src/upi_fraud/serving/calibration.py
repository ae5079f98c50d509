"""Calibrate a registered version's threshold and store it with the version (given in lab 04).

    python -m upi_fraud.serving.calibration --data-size ci            (the champion; or --version N)

Serving needs, besides the model, the threshold it decides with and each input's typical value (what a
reason code compares with). Both are stored as tags of the model version they belong to, so a version
always travels with its own. train.py's champion is calibrated on the validation month; continuous
training calibrates its challengers on their holdout with the same `store`.
"""

from __future__ import annotations

import argparse
import json
import sys

import mlflow
import numpy as np
import pandas as pd
from mlflow import MlflowClient

from upi_fraud import features, registry, timesplit
from upi_fraud.cli import add_data_arguments
from upi_fraud.serving import threshold
from upi_kit import data, story, workspace


def typical_inputs(X: pd.DataFrame) -> dict[str, str | float | None]:
    """Each input's typical value (median, or the most common category): what a reason code compares with."""
    out: dict[str, str | float | None] = {}
    for name in X.columns:
        column = X[name]
        if column.dtype == object:
            out[name] = str(column.mode().iloc[0])
        else:
            out[name] = float(np.nanmedian(column.to_numpy(float))) if column.notna().any() else None
    return out


def store(client: MlflowClient, model_name: str, version: str, scores: np.ndarray, budget_share: float,
          calibrated_on: str, typical_from: pd.DataFrame) -> dict[str, str]:
    """Calibrate on `scores` and tag the version with its threshold, the alert rate it gives, and typical inputs."""
    cut = threshold.calibrate(scores, budget_share)
    tags = {
        "threshold": repr(cut),
        "threshold_budget_share": str(budget_share),
        "threshold_valid_alert_rate": f"{float(np.mean(scores >= cut)):.6f}",
        "threshold_calibrated_on": calibrated_on,
        "typical_inputs": json.dumps(typical_inputs(typical_from)),
    }
    for key, value in tags.items():
        client.set_model_version_tag(model_name, version, key, value)
    return tags


def calibrate_version(client: MlflowClient, model_name: str, version: str, upi: data.UPIData,
                      budget_share: float = story.ALERT_TARGET_SHARE) -> dict[str, str]:
    """Score the validation month with a registered version, calibrate, and tag the version with what serving needs."""
    mv = client.get_model_version(model_name, version)
    _, valid, _ = timesplit.split_by_time(upi.transactions)
    scores = registry.rescore(mv, upi, valid)
    X = features.model_inputs(upi, mv.tags.get("feature_set", "v1")).loc[valid.index]
    return store(client, model_name, str(version), scores, budget_share,
                 mv.tags.get("eval_digest", "validation month"), X)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="upi-calibrate",
                                description="Calibrate a model version's alert threshold on the validation month.")
    add_data_arguments(p)
    p.add_argument("--model-name", default=registry.MODEL_NAME)
    p.add_argument("--version", help="a version number (default: the champion)")
    p.add_argument("--budget-share", type=float, default=story.ALERT_TARGET_SHARE,
                   help="the alert rate to aim at (default: the planned load, half the team's capacity)")
    args = p.parse_args(argv)
    if not 0 < args.budget_share < 1:
        p.error(f"--budget-share must be between 0 and 1, got {args.budget_share}")
    mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
    client = MlflowClient()
    champion = registry.champion(client, args.model_name)
    if args.version is None and champion is None:
        p.error(f"{args.model_name} has no champion yet: pass --version, or train one with `upi-train --promote`")
    version = args.version or str(champion.version if champion else "")
    tags = calibrate_version(client, args.model_name, version, data.load(args.data_size, seed=args.seed),
                             args.budget_share)
    print(f"version {version}: threshold {float(tags['threshold']):.6f}, validation alert rate "
          f"{float(tags['threshold_valid_alert_rate']):.3%} (target {args.budget_share:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
