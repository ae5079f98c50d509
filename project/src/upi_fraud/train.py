"""Train the UPI fraud model, track it in MLflow, register it, and (with --promote) gate it.

    python -m upi_fraud.train --data-size ci --features v1 --promote        (or: upi-train ...)

Given in lab 02. Trains on the labels known at the training cutoff, logs a run (params, validation
metrics, datasets, code version, model), registers a new version tagged with its feature set and
evaluation frame, and prints it. With --promote, the champion is re-scored on this run's validation
frame with ITS feature set, and the gate decides; the test month is reported only for a version that
becomes champion.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import asdict, dataclass, field

import mlflow
import pandas as pd
from mlflow import MlflowClient
from sklearn.pipeline import Pipeline

from upi_fraud import features, gate, modeling, registry, rupees, timesplit, tracking
from upi_fraud.cli import add_data_arguments, number
from upi_kit import data

EXPERIMENT = "upi-fraud"


@dataclass(frozen=True)
class TrainConfig:
    """What a training run is asked to do."""

    data_size: str = "default"
    seed: int = 42
    features: str = "v1"
    params: modeling.Params = field(default_factory=modeling.Params)
    margin_inr: float = 0.0
    experiment: str = EXPERIMENT
    model_name: str = registry.MODEL_NAME
    promote: bool = False


@dataclass(frozen=True)
class Trained:
    """A logged and registered model, and what the gate needs to judge it."""

    run_id: str
    version: str
    model: Pipeline
    inputs: pd.DataFrame
    valid_value_inr: float


def parse_args(argv: list[str] | None = None) -> TrainConfig:
    p = argparse.ArgumentParser(prog="upi-train", description="Train, track, register and (--promote) gate the "
                                                               "UPI fraud model.")
    add_data_arguments(p)
    p.add_argument("--features", choices=features.FEATURE_SETS, default="v1",
                   help="feature set: v1 per payment (lab 02), v2 adds lab 03's behaviour features (default: v1)")
    best = modeling.Params()
    p.add_argument("--learning-rate", type=number(float), default=best.learning_rate)
    p.add_argument("--max-leaf-nodes", type=number(int), default=best.max_leaf_nodes)
    p.add_argument("--max-iter", type=number(int), default=best.max_iter)
    p.add_argument("--margin-inr", type=number(float, inclusive=True), default=0.0,
                   help="promote only if the challenger saves more than the champion plus this (default: 0)")
    p.add_argument("--experiment", default=EXPERIMENT)
    p.add_argument("--model-name", default=registry.MODEL_NAME)
    p.add_argument("--promote", action="store_true", help="gate the new version against the champion")
    args = p.parse_args(argv)
    if args.features == "v2":
        try:
            features.feature_list("v2")
        except ImportError:
            p.error("--features v2 needs lab 03's feature_pipeline.py in the project")
    return TrainConfig(data_size=args.data_size, seed=args.seed, features=args.features,
                       params=modeling.Params(args.learning_rate, args.max_leaf_nodes, args.max_iter),
                       margin_inr=args.margin_inr, experiment=args.experiment, model_name=args.model_name,
                       promote=args.promote)


def train_and_register(config: TrainConfig, upi: data.UPIData, parts: dict[str, pd.DataFrame]) -> Trained:
    """One run: fit on the labels known at the cutoff, log params, datasets, metrics and the model; register it."""
    train, valid = parts["train"], parts["valid"]
    X = features.model_inputs(upi, config.features)
    y_train = features.labels_known_at(train)
    source = f"upi_kit.data.load(size={config.data_size!r}, seed={config.seed})"
    tags = {"data_size": config.data_size, "seed": str(config.seed), "dataset_digest": upi.digest,
            "code_version": tracking.code_version(), "candidate": "yes", "model_family": "gbm",
            "source": "upi-train", "labels": "known at the training cutoff", **registry.feature_tags(config.features)}
    with mlflow.start_run(run_name=f"upi-train-{config.features}", tags=tags) as run:
        model = modeling.make_model(config.params, config.seed).fit(X.loc[train.index], y_train)
        logged = {k: v for k, v in asdict(config).items() if k not in ("params", "promote")}
        mlflow.log_params({**logged, **asdict(config.params)})
        mlflow.log_input(tracking.as_dataset(X.loc[train.index], train, "upi-train", source, y_train),
                         context="training")
        mlflow.log_input(tracking.as_dataset(X.loc[valid.index], valid, "upi-valid", source), context="validation")
        metrics = tracking.evaluate(valid, model.predict_proba(X.loc[valid.index])[:, 1], "valid_")
        mlflow.log_metrics(metrics)
        info = modeling.log_model(model, X.loc[valid.index])
    version = registry.register(info.model_uri, config.features, registry.Frame.of(valid), "upi-train",
                                config.model_name)
    return Trained(run.info.run_id, version, model, X, metrics["valid_net_value_inr"])


def promote(client: MlflowClient, config: TrainConfig, upi: data.UPIData, parts: dict[str, pd.DataFrame],
            trained: Trained) -> None:
    """Gate the new version against the champion on the same frame; record the decision; report test if promoted."""
    valid, frame = parts["valid"], registry.Frame.of(parts["valid"])
    challenger = gate.Evaluation(trained.version, trained.valid_value_inr, frame.digest, frame.rows)
    current = registry.champion(client, config.model_name)
    champion = None if current is None else gate.Evaluation(
        str(current.version), rupees.rupee_value(valid, registry.rescore(current, upi, valid)).net_value_inr,
        frame.digest, frame.rows)
    promoted, why = gate.decide(challenger, champion, config.margin_inr)
    client.set_tag(trained.run_id, "gate_decision", "promoted" if promoted else "kept champion")
    client.set_tag(trained.run_id, "gate_reason", why)
    client.set_tag(trained.run_id, "gate_challenger_digest", challenger.frame_digest)
    if champion is not None:
        client.set_tag(trained.run_id, "gate_champion_version", str(champion.version))
        client.set_tag(trained.run_id, "gate_champion_digest", champion.frame_digest)
        client.log_metric(trained.run_id, "gate_champion_valid_net_value_inr", champion.net_value_inr)
    if not promoted:
        print(f"kept champion version {champion.version if champion else '-'}: {why}")
        return
    client.set_registered_model_alias(config.model_name, registry.CHAMPION, trained.version)
    print(f"promoted version {trained.version}: {why}")
    test = parts["test"]
    result = tracking.evaluate(test, trained.model.predict_proba(trained.inputs.loc[test.index])[:, 1], "test_")
    with mlflow.start_run(run_id=trained.run_id):
        mlflow.log_metrics(result)
    print(f"test month, reported once for the new champion: net value {result['test_net_value_inr']:,.0f} INR")


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    # Read once in lab 02: our integer inputs are never missing, so a request without them is refused.
    warnings.filterwarnings("ignore", message=".*Inferred schema contains integer column")
    warnings.filterwarnings("ignore", message=".*dataset source can be interpreted in multiple ways")
    tracking.use_experiment(config.experiment)
    upi = data.load(config.data_size, seed=config.seed)
    parts = dict(zip(["train", "valid", "test"], timesplit.split_by_time(upi.transactions), strict=True))
    trained = train_and_register(config, upi, parts)
    print(f"run {trained.run_id}: validation net value {trained.valid_value_inr:,.0f} INR "
          f"({config.features}, {config.data_size})")
    print(f"registered {config.model_name} version {trained.version}")
    if config.promote:
        promote(MlflowClient(), config, upi, parts, trained)
    return 0


if __name__ == "__main__":
    sys.exit(main())
