"""The frozen thresholds: every statistic calibrated on clean history, then frozen before production (lab 06).

Given in lab 06. A threshold set by hand ("PSI above 0.2 is drift") knows nothing about your data: some
columns move every week, others never. Each statistic is measured on every clean week of March to August
(before go-live), and its threshold is the worst clean week times a margin (your policy.calibrate), with a
floor where a statistic never moved. Then the thresholds are frozen in monitoring/policy.json, with the
model version they were calibrated for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from upi_fraud import features
from upi_fraud.dates import day_start, mondays
from upi_fraud.monitoring import config, performance, policy, record, report, reports
from upi_fraud.serving.scoring import Bundle
from upi_kit import data, story

#: How a statistic's threshold is made from its history: the direction that is bad, the margin
#: beyond the worst clean week, and a floor that no calibration may go below.
RULES: dict[str, dict[str, str | float]] = {
    "data_quality": {"direction": "above", "margin": 2.0},
    "drift": {"direction": "above", "margin": 1.25},
    "prediction": {"direction": "above", "margin": 1.25},
    "performance": {"direction": "below", "margin": 2.0},
}
FLOORS = {
    "missing_share": 0.01,  # an app version may lose a field on 1% of its payments before it is an incident
    "unit_fold": 3.0,       # a unit error is x10, x100, x1000; seasons move a median by less than x3
}
#: Limits that are not learnt from history: the week's alert rate is judged against the team's review
#: capacity itself (an alert over it goes unreviewed and catches nothing), not against how it used to vary.
FIXED = {"alert_rate": story.ALERT_BUDGET_SHARE}


def upper_bound(caught: int, cases: int, confidence: float = 0.95) -> float:
    """One-sided upper confidence bound of a recall (Clopper-Pearson): how good it could still be."""
    from scipy.stats import beta

    return 1.0 if caught >= cases else float(beta.ppf(confidence, caught + 1, cases - caught))


def freeze(statistics: pd.DataFrame, kinds: dict[str, str], path: Path, **provenance: Any) -> dict[str, Any]:
    """Calibrate every statistic (columns of `statistics`, one row per clean week, plus `rows`) and save the policy.

    kinds: {statistic: kind}. A statistic named `name:detail` takes the floor of `name`.
    """
    thresholds: dict[str, float] = {}
    for name, kind in kinds.items():
        if name in FIXED:
            thresholds[name] = FIXED[name]
            continue
        rule = RULES[kind]
        rows = statistics[f"rows:{name}"] if f"rows:{name}" in statistics else statistics["rows"]
        history = pd.DataFrame({"rows": rows, "value": statistics[name]})
        value = policy.calibrate(history, str(rule["direction"]), float(rule["margin"]))
        floor = FLOORS.get(name.split(":")[0])
        thresholds[name] = max(value, floor) if floor is not None else value
    frozen = {"thresholds": thresholds, "kinds": kinds, "rules": RULES, "floors": FLOORS, "fixed": FIXED,
              "calibrated_on": [str(w) for w in statistics.index], **provenance}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(frozen, indent=2, default=str) + "\n")
    return frozen


def load(path: Path) -> dict[str, Any]:
    """The frozen policy; FileNotFoundError with the command that makes it."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no frozen policy at {path}: run `python -m upi_fraud.monitoring calibrate` first")
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def _kind(name: str) -> str:
    """What a statistic is: drift of an input, a prediction check, performance, or data quality."""
    if name.startswith("drift:") and name != "drift:score":
        return "drift"
    if name in ("drift:score", "alert_rate"):
        return "prediction"
    return "performance" if name.startswith("recall:") else "data_quality"


def calibrate(upi: data.UPIData, bundle: Bundle, out: Path) -> dict[str, Any]:
    """Score the reference month and the clean history with the model, measure every statistic per week, freeze."""
    inputs = features.model_inputs(upi, bundle.feature_set)
    reference = record.from_data(upi, bundle, day_start(config.REFERENCE[0]), day_start(config.REFERENCE[1]), inputs)
    known = record.fraud_reports(upi)
    untested = report.data_report(reference)  # calibration: the same metrics, no thresholds yet, no tests
    reference_data = reports.dataset(reference, reports.drift_methods(reference))
    history = record.from_data(upi, bundle, day_start(config.HISTORY[0]) - pd.Timedelta(days=config.WINDOW_DAYS),
                               day_start(config.HISTORY[1]), inputs)
    rows = []
    for week in mondays(config.HISTORY[0], config.HISTORY[1]):
        start = day_start(week)
        end = start + pd.Timedelta(days=7)
        current = history[(history["event_timestamp"] >= start) & (history["event_timestamp"] < end)]
        snapshot = reports.run_report(untested, current, reference, end, f"week of {week}", reference_data)
        stats, _ = reports.week_statistics(snapshot, current, reference)
        # Performance on weeks the model never trained on: July and August (training weeks flatter it).
        if start >= day_start(config.REFERENCE[0]):
            perf = performance.performance_as_of(history, known, end)
            for fraud_type, row in perf.iterrows():
                stats[f"recall:{fraud_type}"] = row["recall"] if row["cases"] >= config.MIN_CASES else np.nan
                stats[f"rows:recall:{fraud_type}"] = row["cases"]
        rows.append({"week": week, **stats})
    table = pd.DataFrame(rows).set_index("week")
    kinds = {name: _kind(name) for name in table.columns
             if name not in ("rows", "drifted_share") and not name.startswith("rows:")}
    out.mkdir(parents=True, exist_ok=True)
    reference.to_parquet(out / "reference.parquet")
    table.to_csv(out / "calibration.csv")
    return freeze(table, kinds, out / "policy.json", model_version=bundle.version,
                  reference=list(config.REFERENCE), history=list(config.HISTORY))
