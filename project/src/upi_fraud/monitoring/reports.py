"""Running the weekly Evidently reports, and the policy's statistics read back from them (given in lab 06).

One data report per week (your report.data_report, run with `Report(...).run(current_data=...,
reference_data=...)`), each metric carrying the frozen threshold as an Evidently test condition, so the HTML
report shows exactly what the policy saw. A second, small snapshot per week holds recall on the reported frauds,
for the dashboard. Evidently's serialised metric types are read by their last name (`...:GroupByMetric`), the
one place that knows Evidently's snapshot layout.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.core.report import Snapshot
from evidently.metrics import (
    GroupBy,
    MeanValue,
    MissingValueCount,
    OutRangeValueCount,
    RowCount,
    SumValue,
)

from upi_fraud.monitoring import config
from upi_kit import story


def drift_methods(frame: pd.DataFrame) -> dict[str, str]:
    """{column: Evidently drift method} for the inputs, the behaviour features and the score."""
    behaviour = [c for c in frame.columns if c not in config.INPUTS and c not in config.NOT_INPUTS]
    return {**config.INPUTS, **{c: config.BEHAVIOUR_METHOD for c in behaviour}, "score": config.SCORE_METHOD}


def dataset(frame: pd.DataFrame, methods: dict[str, str]) -> Dataset:
    """A record as Evidently's Dataset: the monitored numbers, the categories and the app version."""
    numeric = [c for c in methods if c not in config.CATEGORICAL] + ["alert"]
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=[*config.CATEGORICAL, "app_version"])
    return Dataset.from_pandas(frame[[*numeric, *config.CATEGORICAL, "app_version"]], data_definition=definition)


def readouts() -> list[Any]:
    """Metrics no test needs but the readers below do: device_os missing over the whole week (the dashboard's
    line) and amounts out of range per app version (version_table). report.data_report adds them to every report."""
    return [MissingValueCount(column="device_os", tests=[], share_tests=[]),
            GroupBy(OutRangeValueCount(column="amount_inr", left=0.01, right=story.P2M_LIMIT_INR, tests=[],
                                       share_tests=[]), "app_version")]


def run_report(report: Report, current: pd.DataFrame, reference: pd.DataFrame, when: pd.Timestamp, name: str,
               reference_data: Dataset | None = None) -> Snapshot:
    """Run a weekly report. reference_data: the reference as an Evidently Dataset, when already made (it is reused)."""
    methods = drift_methods(reference)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # empty groups divide by zero inside Evidently
        return report.run(current_data=dataset(current, methods),
                          reference_data=reference_data or dataset(reference, methods),
                          timestamp=_local(when), name=name,
                          tags=["weekly"])


def _local(when: pd.Timestamp) -> datetime:
    """A snapshot's timestamp: the IST wall-clock time (the dashboard shows it as it is)."""
    return when.tz_convert(story.TIMEZONE).tz_localize(None).to_pydatetime()


def performance_report(window_frauds: pd.DataFrame, when: pd.Timestamp) -> Snapshot:
    """Recall on the reported frauds of the window, overall and per fraud type, as an Evidently snapshot."""

    frame = pd.DataFrame({"fraud_type": window_frauds["fraud_type"], "caught": window_frauds["reviewed"].astype(int),
                          "ledger_amount_inr": window_frauds["ledger_amount_inr"],
                          "rupees_caught": window_frauds["ledger_amount_inr"] * window_frauds["reviewed"]})
    definition = DataDefinition(numerical_columns=["caught", "ledger_amount_inr", "rupees_caught"],
                                categorical_columns=["fraud_type"])
    metrics = [RowCount(tests=[]), MeanValue(column="caught", tests=[]), SumValue(column="rupees_caught", tests=[]),
               SumValue(column="ledger_amount_inr", tests=[]), GroupBy(MeanValue(column="caught", tests=[]), "fraud_type"),
               GroupBy(RowCount(tests=[]), "fraud_type")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Report(metrics, include_tests=False).run(
            current_data=Dataset.from_pandas(frame, data_definition=definition),
            timestamp=_local(when), name="performance", tags=["weekly"])


Key = tuple[str, str | None, str | None]  # (metric type, column, group label)


def metric_values(snapshot: Snapshot) -> dict[Key, Any]:
    """{(metric type, column, group label): value} from a snapshot."""
    out: dict[Key, Any] = {}
    for m in snapshot.dict()["metrics"]:
        c = m["config"]
        kind = c["type"].split(":")[-1]
        if kind == "GroupByMetric":
            inner = c["metric"]
            out[(inner["type"].split(":")[-1], inner.get("column"), str(c["label"]))] = m["value"]
        else:
            out[(kind, c.get("column"), None)] = m["value"]
    return out


def failed_tests(snapshot: Snapshot) -> set[Key]:
    """{(metric type, column, group label)} of the Evidently tests that failed in a snapshot."""
    out: set[Key] = set()
    for test in snapshot.dict()["tests"]:
        if str(test["status"]).split(".")[-1] != "FAIL":
            continue
        c = test["metric_config"]["params"]
        if c["type"].split(":")[-1] == "GroupByMetric":
            out.add((c["metric"]["type"].split(":")[-1], c["metric"].get("column"), str(c["label"])))
        else:
            out.add((c["type"].split(":")[-1], c.get("column"), None))
    return out


def statistics(snapshot: Snapshot) -> dict[str, float]:
    """The policy's statistics for one week, read from its data snapshot."""
    values = metric_values(snapshot)
    stats = {"rows": float(values[("RowCount", None, None)])}
    for (kind, column, label), v in values.items():
        if kind == "ValueDrift":
            stats["drift:score" if column == "score" else f"drift:{column}"] = float(v)
        elif kind == "MeanValue" and column == "alert":
            stats["alert_rate"] = float(v)
        elif kind == "OutRangeValueCount" and label is None:
            stats["out_of_range_share"] = float(v["share"])
        elif kind == "MissingValueCount" and label is None:
            stats[f"missing_share:{column}"] = float(v["share"])
        elif kind == "OutListValueCount":
            stats[f"new_category_share:{column}"] = float(v["share"])
        elif kind == "DriftedColumnsCount":
            stats["drifted_share"] = float(v["share"])
    return stats


def version_table(snapshot: Snapshot, current: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Per app version with enough rows: rows, median amount (and its fold vs the reference), missing shares."""
    values = metric_values(snapshot)
    counts = current["app_version"].value_counts()
    median = float(reference["amount_inr"].median())
    out = []
    for name, n in counts.items():
        version = str(name)
        if n < config.MIN_VERSION_ROWS:
            continue
        med = float(values[("MedianValue", "amount_inr", version)])
        row = {"app_version": version, "rows": int(n), "median_amount": med,
               "fold": max(med / median, median / med) if med > 0 else np.inf,
               "out_of_range": int(values[("OutRangeValueCount", "amount_inr", version)]["count"])}
        row["missing:device_os"] = float(values[("MissingValueCount", "device_os", version)]["share"])
        out.append(row)
    return pd.DataFrame(out).set_index("app_version").sort_index()


def week_statistics(snapshot: Snapshot, current: pd.DataFrame,
                    reference: pd.DataFrame) -> tuple[dict[str, float], pd.DataFrame]:
    """The week's statistics (statistics()), plus the worst app version's unit fold and missing device OS."""
    stats = statistics(snapshot)
    versions = version_table(snapshot, current, reference)
    stats["unit_fold"] = float(versions["fold"].max()) if len(versions) else np.nan
    stats["missing_share:device_os"] = float(versions["missing:device_os"].max()) if len(versions) else np.nan
    return stats, versions
