"""`upi-ct` (python -m upi_fraud.ct): continuous training from a shell, a scheduler or a trigger record."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from upi_fraud import features, registry, tracking
from upi_fraud.cli import add_data_arguments, fail, number
from upi_fraud.ct import trigger
from upi_fraud.ct.plan import HOLDOUT_DAYS, CTError
from upi_fraud.ct.run import EXPERIMENT, CTConfig, run
from upi_fraud.dates import as_of
from upi_kit import story


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="upi-ct", description="Continuous training: retrain as of a date, test, gate, "
                                                            "promote.")
    ap.add_argument("--as-of", help="an IST date or an aware time (default: the trigger's, else now)")
    ap.add_argument("--trigger", help="a trigger record (JSON, see ct/trigger.py) that says why and as of when")
    add_data_arguments(ap)
    ap.add_argument("--features", choices=features.FEATURE_SETS, default="v1", help="feature set when there is no "
                                                                                     "champion")
    ap.add_argument("--holdout-days", type=number(int), default=HOLDOUT_DAYS)
    ap.add_argument("--margin-inr", type=number(float, inclusive=True), default=0.0)
    ap.add_argument("--model-name", default=registry.MODEL_NAME)
    ap.add_argument("--alias", default=registry.CHAMPION, help="the alias a challenger that passes gets")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = CTConfig(data_size=args.data_size, seed=args.seed, features=args.features,
                      holdout_days=args.holdout_days, margin_inr=args.margin_inr, model_name=args.model_name,
                      alias=args.alias)
    try:
        request = trigger.read(args.trigger) if args.trigger else None
        moment = as_of(args.as_of or (request.as_of if request else pd.Timestamp.now(tz=story.TIMEZONE)))
        why_run = f"trigger {request.reason} by {request.raised_by}: {request.detail}" if request else "asked by hand"
        tracking.use_experiment(EXPERIMENT)
        decision = run(config, moment, why_run)
    except (trigger.TriggerError, CTError) as err:
        return fail("upi-ct", err)
    print(decision.card)
    return 0


if __name__ == "__main__":
    sys.exit(main())
