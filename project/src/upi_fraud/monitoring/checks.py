"""The week's findings: every failed Evidently test, and performance below its floor, as one sentence each.

Given in lab 06. A finding quotes the values a person needs to act (which column, which app version, how
far past the frozen threshold) and names its kind, which the alert policy turns into how loud it is.
Performance is judged here, with a confidence bound that Evidently's test conditions do not have: five
reported cases are too few to blame a model for missing two, and twenty-four missed out of twenty-four
are not.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from upi_fraud.monitoring import config, thresholds
from upi_fraud.monitoring.findings import Finding
from upi_kit import story

Failed = set[tuple[str, str | None, str | None]]


def _rupees(x: float) -> str:
    return f"₹{x:,.0f}"


def data_quality(failed: Failed, stats: dict[str, float], versions: pd.DataFrame, t: dict[str, float],
                 reference: pd.DataFrame) -> list[Finding]:
    """Amounts above NPCI's limit, a unit change per app version, missing fields, unknown categories."""
    found = []
    if ("OutRangeValueCount", "amount_inr", None) in failed:
        blame = versions[versions["out_of_range"] > 0]["out_of_range"].sort_values(ascending=False)
        who = ", ".join(f"app {v} ({n:,})" for v, n in blame.items()) or "no single app version"
        found.append(Finding("data_quality", "out_of_range_share",
                             f"amount_inr: {stats['out_of_range_share']:.1%} of payments are above NPCI's "
                             f"{_rupees(story.P2M_LIMIT_INR)} limit, from {who}."))
    median = float(reference["amount_inr"].median())
    for version, row in versions.iterrows():
        if ("MedianValue", "amount_inr", str(version)) in failed:
            found.append(Finding("data_quality", "unit_fold",
                                 f"amount_inr: app {version}'s median payment is {_rupees(row['median_amount'])}, "
                                 f"{row['median_amount'] / median:.3g} times the reference's {_rupees(median)} "
                                 f"(a unit change; the policy allows {t['unit_fold']:.3g}x)."))
    found += [Finding("data_quality", f"missing_share:{column}",
                      f"{column}: missing on {stats[f'missing_share:{column}']:.1%} of the week's payments, a field "
                      "the service requires (check the log and the pipeline that writes it).")
              for column in config.REQUIRED if ("MissingValueCount", column, None) in failed]
    found += [Finding("data_quality", "missing_share:device_os",
                      f"device_os: missing on {share:.0%} of app {version}'s payments (the policy allows "
                      f"{t['missing_share:device_os']:.0%}).")
              for version, share in versions["missing:device_os"].items()
              if ("MissingValueCount", "device_os", str(version)) in failed]
    found += [Finding("data_quality", f"new_category_share:{column}",
                      f"{column}: {stats[f'new_category_share:{column}']:.1%} of payments carry a value the "
                      "reference never had.")
              for column in config.CATEGORICAL if ("OutListValueCount", column, None) in failed]
    return found


def drift(failed: Failed, stats: dict[str, float], t: dict[str, float]) -> list[Finding]:
    """One finding for all drifted inputs, worst first (how far past its threshold)."""
    drifted = [(name.split(":", 1)[1], stats[name], t[name]) for name in t
               if name.startswith("drift:") and name != "drift:score" and ("ValueDrift", name[6:], None) in failed]
    if not drifted:
        return []
    drifted.sort(key=lambda d: -d[1] / d[2])
    watched = len([n for n in t if n.startswith("drift:")]) - 1
    listed = ", ".join(f"{c} ({v:.3g} > {lim:.3g})" for c, v, lim in drifted[:4]) + (", ..." if len(drifted) > 4 else "")
    return [Finding("drift", "drift", f"input drift in {len(drifted)} of {watched} columns: {listed}.")]


def prediction(failed: Failed, stats: dict[str, float], pol: dict[str, Any], model_version: str | None) -> list[Finding]:
    """The score's distribution, the alert rate against the review budget, and the model the policy was set for."""
    t, found = pol["thresholds"], []
    if ("ValueDrift", "score", None) in failed:
        found.append(Finding("prediction", "score_drift",
                             f"score distribution shifted: PSI {stats['drift:score']:.3g} > {t['drift:score']:.3g}."))
    if ("MeanValue", "alert", None) in failed:
        found.append(Finding("prediction", "alert_rate",
                             f"alert rate {stats['alert_rate']:.2%} against the fraud team's capacity of "
                             f"{t['alert_rate']:.0%}: the alerts over it go unreviewed and catch nothing."))
    if model_version is not None and str(model_version) != str(pol.get("model_version")):
        found.append(Finding("prediction", "model_version",
                             f"scores come from model version {model_version}, the policy was calibrated for version "
                             f"{pol.get('model_version')}: recalibrate (python -m upi_fraud.monitoring calibrate)."))
    return found


def performance(perf: pd.DataFrame, t: dict[str, float]) -> list[Finding]:
    """Fraud types (and all fraud) whose recall, even at its upper 95% bound, is below its floor."""
    found = []
    for fraud_type, row in perf.iterrows():
        if row["cases"] < config.MIN_CASES:
            continue
        floor = t.get(f"recall:{fraud_type}", t["recall:all"])
        best = thresholds.upper_bound(int(row["caught"]), int(row["cases"]))
        if best < floor:
            what = "all fraud" if fraud_type == "all" else fraud_type
            found.append(Finding("performance", f"recall:{fraud_type}",
                                 f"recall on {what} is {int(row['caught'])}/{int(row['cases'])} reported frauds of the "
                                 f"last {config.WINDOW_DAYS} days: at most {best:.0%} at 95% confidence, below its "
                                 f"floor of {floor:.0%}."))
    return found


def findings(failed: Failed, stats: dict[str, float], versions: pd.DataFrame, perf: pd.DataFrame,
             pol: dict[str, Any], reference: pd.DataFrame, model_version: str | None = None) -> list[Finding]:
    """The failed checks of one week, each a Finding with one sentence: data quality, drift, predictions, performance."""
    t = pol["thresholds"]
    return [*data_quality(failed, stats, versions, t, reference), *drift(failed, stats, t),
            *prediction(failed, stats, pol, model_version), *performance(perf, t)]
