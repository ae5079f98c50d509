"""The weekly Evidently report, each metric with its frozen threshold as an Evidently test (exercises 6.4, 6.5).
reports.py (given) runs it on a week against the reference and reads back what the policy judges."""

from typing import Any

import pandas as pd
from evidently import Report
from evidently import metrics as em
from evidently.tests import gte, lte

from upi_fraud.monitoring import config, reports
from upi_kit import story


def at_most(t: dict[str, float], name: str) -> list[Any]:
    """The frozen threshold `name` as an Evidently test condition, [lte(...)], or no test when none is frozen."""
    return [lte(t[name])] if name in t else []


def quality_metrics(reference: pd.DataFrame, t: dict[str, float]) -> list[Any]:
    """Data quality: amounts out of range, new categories, missing required fields over the week; per app version
    (a broken release shows in its own rows first) missing device_os and the median amount within a fold."""
    ### BEGIN SOLUTION 6.4
    metrics: list[Any] = [em.OutRangeValueCount(column="amount_inr", left=0.01, right=story.P2M_LIMIT_INR, tests=[],
                                                share_tests=at_most(t, "out_of_range_share"))]
    for column in config.CATEGORICAL:
        known = sorted(reference[column].dropna().unique().tolist())
        metrics.append(em.OutListValueCount(column=column, values=known, tests=[],
                                            share_tests=at_most(t, f"new_category_share:{column}")))
    for column in config.REQUIRED:
        metrics.append(em.MissingValueCount(column=column, tests=[], share_tests=at_most(t, f"missing_share:{column}")))
    metrics.append(em.GroupBy(em.MissingValueCount(column="device_os", tests=[],
                                                   share_tests=at_most(t, "missing_share:device_os")), "app_version"))
    median, fold = float(reference["amount_inr"].median()), t.get("unit_fold")
    bounds = [] if fold is None else [gte(median / fold), lte(median * fold)]
    metrics.append(em.GroupBy(em.MedianValue(column="amount_inr", tests=bounds), "app_version"))
    return metrics
    ### END SOLUTION


def data_report(reference: pd.DataFrame, thresholds: dict[str, float] | None = None) -> Report:
    """Rows, drift, alert rate, data quality; each with its frozen threshold as a test (none in calibration)."""
    t, methods = thresholds or {}, reports.drift_methods(reference)
    ### BEGIN SOLUTION 6.5
    metrics: list[Any] = [em.RowCount(tests=[])]
    for column, method in methods.items():  # tests=None: Evidently's own drift test, the score against threshold
        metrics.append(em.ValueDrift(column=column, method=method, threshold=t.get(f"drift:{column}"),
                                     tests=None if thresholds is not None else []))
    inputs = {column: method for column, method in methods.items() if column != "score"}
    per_column = {column: t[f"drift:{column}"] for column in inputs if f"drift:{column}" in t} or None
    metrics.append(em.DriftedColumnsCount(columns=list(inputs), per_column_method=inputs,
                                          per_column_threshold=per_column, tests=[], share_tests=[]))
    metrics.append(em.MeanValue(column="alert", tests=at_most(t, "alert_rate")))
    metrics += [*quality_metrics(reference, t), *reports.readouts()]
    return Report(metrics, include_tests=thresholds is not None)
    ### END SOLUTION
