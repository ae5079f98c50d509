"""How many labelled cases does continuous training's recipe need before it alerts on the new scam?

The question behind lab 07's time to mitigate. With every label known the moment the fraud happens (the oracle's
knowledge: no label delay, no gate, no shadow), the reference project's CT recipe (ct.plan + ct.run.fit, threshold
calibrated on the holdout at the review budget) trains each Monday from the scam's first week; each model then scores
the next week's new-scam payments. Prints, per Monday: the scam cases it trained on, the next week's scam payments it
alerts on, their median score and the alert cut. A model that scores them high but under the cut has learned the
scam and spends the review budget on payments it ranks higher.

Usage: .venv/bin/python bench/bench_new_scam.py [--size default] [--seed 42] [--weeks 7] [--min-samples-leaf 20]
Reads the dataset only (no workspace, nothing written). About a minute at the default size on 2 cores.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from mlops_course import project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="default", choices=["ci", "default"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--weeks", type=int, default=7, help="Mondays to train on, from the one after the scam's first payment")
    parser.add_argument("--min-samples-leaf", type=int, default=20, help="the trees' smallest leaf (sklearn: 20)")
    parser.add_argument("--feature-set", default="v2")
    args = parser.parse_args()
    with project.imported(project=project.reference()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(args)


def _run(args: argparse.Namespace) -> None:
    from upi_fraud import features, modeling
    from upi_fraud.ct import plan as ct_plan
    from upi_fraud.ct import run as ct_run
    from upi_fraud.dates import day_start, monday
    from upi_fraud.serving import threshold
    from upi_kit import data, story

    upi = data.load(args.size, seed=args.seed)
    tx = upi.transactions
    scam = tx[tx["fraud_type"] == "new_scam"]
    if scam.empty:
        raise SystemExit(f"no new-scam payments at size {args.size}: use --size default")
    X = features.model_inputs(upi, args.feature_set)
    first = scam["event_timestamp"].min()
    print(f"data size {args.size}, seed {args.seed}: {len(scam)} new-scam payments, the first on "
          f"{first.tz_convert(story.TIMEZONE):%d %b %Y}; min_samples_leaf {args.min_samples_leaf}")
    make = modeling.make_model

    def with_leaf(params: modeling.Params | None = None, seed: int = 42):  # type: ignore[no-untyped-def]
        model = make(params or modeling.Params(), seed)
        model.steps[-1][1].set_params(min_samples_leaf=args.min_samples_leaf)
        return model

    modeling.make_model = with_leaf
    try:
        start = day_start(monday(first.tz_convert(story.TIMEZONE).date())) + pd.Timedelta(days=7)
        for week in range(args.weeks):
            as_of = start + pd.Timedelta(days=7 * week)
            t = time.perf_counter()
            p = ct_plan.plan(tx, as_of, every_label=True)
            model = ct_run.fit(X, p, args.seed)
            cut = threshold.calibrate(model.predict_proba(X.loc[p.holdout.index])[:, 1], story.ALERT_TARGET_SHARE)
            nxt = scam[(scam["event_timestamp"] >= as_of) & (scam["event_timestamp"] < as_of + pd.Timedelta(days=7))]
            scores = model.predict_proba(X.loc[nxt.index])[:, 1] if len(nxt) else np.array([])
            cases = int((scam["event_timestamp"] < as_of).sum())
            median = f"{np.median(scores):.3f}" if len(scores) else "-"
            print(f"trained as of {as_of.tz_convert(story.TIMEZONE):%a %d %b} on {cases:>3} scam cases: the next week {int((scores >= cut).sum()):>2}"
                  f"/{len(nxt):<2} alerted, median score {median} against the cut {cut:.3f} "
                  f"({time.perf_counter() - t:.0f} s)")
    finally:
        modeling.make_model = make


if __name__ == "__main__":
    main()
