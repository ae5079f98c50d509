"""Checks for lab 06 (monitoring): 6.1 and 6.2, the alert policy (upi_fraud/monitoring/policy.py).

6.1 is a statistic's frozen threshold, 6.2 a week's verdict; 6.3 (upi_fraud/monitoring/performance.py) is recall
on the fraud reports known at the end of a week. Each check runs the learner's code on crafted cases where the
usual mistakes give another answer (a partial week holding the extreme, statuses whose text sorts the wrong way,
an incident week with a retrain trigger, a report exactly at as_of, a payment reported twice) and names the
mistake, then on data shaped like the lab's.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np
import pandas as pd

from ..checks import Wrong, call_learner, exercise
from ..errors import CourseError
from . import _lab06_cases as cases
from . import _lab06_dashboard as _dashboard
from . import _lab06_report as _report
from ._lab06_performance import _performance_mistake, _performance_table, _same
from .lab05 import _learner_function, _unchanged

SEVERITY, COLUMNS = cases.SEVERITY, cases.COLUMNS


# ---------------------------------------------------------------- 6.1


def _number(out: Any) -> float:
    if isinstance(out, bool | np.bool_) or not isinstance(out, int | float | np.integer | np.floating):
        raise Wrong(f"calibrate returned {type(out).__name__}: return one number, the threshold (a float).")
    return float(out)


def _threshold_mistake(got: float, want: float, history: pd.DataFrame, direction: str, m: float) -> str:
    if math.isnan(got):
        return ("the threshold is NaN: a week whose value is NaN was not measured and is left out (numpy's max or "
                "min of values with a NaN is NaN; pandas' .max() and .min() skip it)")
    measured = history.dropna(subset=["value"])
    median = history["rows"].median()
    full, every = measured.loc[measured["rows"] >= cases.PARTIAL_WEEK * median, "value"], measured["value"]
    above = direction == "above"
    worst, best, extreme = (full.max(), full.min(), every.max()) if above else (full.min(), full.max(), every.min())
    beyond = (lambda v: v * m) if above else (lambda v: v / m)
    side, bad = ("highest", "high") if above else ("lowest", "low")
    partial = measured.loc[measured["value"] == extreme, "rows"].min()
    wrong_way = f"for '{direction}' a {bad} value is bad, so start from the {side} clean week"
    guesses = [
        (beyond(extreme), f"it comes from a partial week ({partial:g} rows, the median week has {median:g}): a week "
                          "with fewer rows than PARTIAL_WEEK times the median week is partial, its statistic is "
                          "noise; leave it out"),
        (worst, f"it is the {side} clean week itself: add the margin (x margin for 'above', / margin for 'below'), "
                "so that a week as bad as the worst clean one does not alert"),
        (worst * m if not above else worst / m,
         f"the margin goes the wrong way: for '{direction}' the threshold lies beyond the worst clean week, so "
         f"{'multiply the highest by' if above else 'divide the lowest by'} the margin"),
        (best * m, f"it starts from the {'lowest' if above else 'highest'} clean week: {wrong_way}"),
        (best / m, f"it starts from the {'lowest' if above else 'highest'} clean week: {wrong_way}"),
        (beyond(full.mean()), "it starts from the mean of the clean weeks: a threshold lies beyond the worst clean "
                              "week, or about half of the normal weeks would alert"),
        (beyond(full.median()), "it starts from the median clean week: a threshold lies beyond the worst clean "
                                "week, or about half of the normal weeks would alert"),
    ]
    found = next((why for value, why in guesses if _same(got, float(value))), None)
    if found:
        return found
    low, high = sorted((beyond(full.min()), beyond(full.max())))
    if low <= got <= high:
        return (f"it lies among the clean weeks' values (with the margin): a quantile or a typical week alerts on "
                f"normal weeks; start from the {side} clean week")
    return f"the {side} clean week is {worst:.4g}, so with margin {m:g} the threshold is {want:.4g}"


def _refuses(func: Any, what: str, history: pd.DataFrame, direction: str, margin: float, why: str) -> None:
    try:
        out = func(history, direction, margin)
    except ValueError:
        return
    except (NotImplementedError, CourseError, Wrong):
        raise
    except Exception as err:  # the learner's code: report, don't crash
        raise Wrong(f"it raised {type(err).__name__} ({str(err).rstrip('.')}): raise ValueError, which says the "
                    f"input cannot make a threshold. (On {what}.)") from None
    raise Wrong(f"{why}. (On {what}: it returns {out!r}.)")


def _median_advice(err: Exception) -> str:
    return " (rows is NaN in the weeks the statistic was not measured: numpy's median of them is NaN, pandas' skips them)"


@exercise(
    "6.1",
    "the frozen threshold",
    hint=(
        "A frozen threshold lies a margin beyond the worst week of clean history: where a high value is bad (a "
        "drift distance, a missing share) the highest clean week times the margin; where a low value is bad (a "
        "recall) the lowest clean week divided by it. A typical week (a mean, a quantile) would alert on normal "
        "weeks.",
        "Leave two kinds of weeks out first: those whose value is NaN (not measured) and the partial ones, with "
        "fewer rows than PARTIAL_WEEK times the median of `rows` over the history. pandas' `.max()` and "
        "`.min()` skip NaN, numpy's `np.max` does not.",
        "The traps: for 'below' the margin divides (the minimum times the margin would put the floor above a "
        "clean week); a partial week often holds the extreme value; with no usable week, or a direction other "
        "than 'above' and 'below', raise ValueError instead of returning a number.",
    ),
)
def calibrate(calibrate: Any) -> str:
    func = _learner_function(calibrate, "calibrate")
    crafted, refused, realistic = cases.calibrate_cases(), cases.refused_cases(), cases.realistic_histories()
    for what, history, direction, margin in crafted + realistic:
        kept = history.copy(deep=True)
        advice = _median_advice if history["rows"].isna().any() else None
        got = _number(call_learner(func, "calibrate", history, direction, margin, advice=advice))
        if not _unchanged(kept, history):
            raise Wrong(f"it changed the history it was given: calibrate only reads it; work on a copy (no "
                        f"inplace=True). (On {what}.)")
        want = cases.threshold(history, direction, margin)
        if not _same(got, want):
            raise Wrong(f"{_threshold_mistake(got, want, history, direction, margin)}. (On {what}: it returns "
                        f"{got:.4g}.)")
    for what, history, direction, margin, why in refused:
        _refuses(func, what, history, direction, margin, why)
    return (f"Right on {len(crafted)} crafted histories (both directions, a partial week at the extreme, NaN weeks, "
            f"ties), {len(realistic)} of 26 weeks like the lab's, and ValueError on no usable week or an "
            "unknown direction.")


# ---------------------------------------------------------------- 6.2


def _finding_class(func: Any) -> Any:
    """The learner module's Finding (its tables checked against findings.py's), or the course's copy."""
    module = sys.modules.get(getattr(func, "__module__", None) or "")
    for table in ("KIND_STATUS", "SEVERITY"):
        theirs, policy = getattr(module, table, None), getattr(cases, table)
        if isinstance(theirs, dict) and theirs != policy:
            raise Wrong(f"policy.py's {table} is {theirs}: keep findings.py's table, {policy} (import it).")
    finding = getattr(module, "Finding", None)
    return finding if isinstance(finding, type) else cases.Finding


def _verdict(out: Any) -> tuple[Any, list, bool]:
    if all(hasattr(out, name) for name in ("status", "reasons", "retrain")):
        status, reasons, retrain = out.status, out.reasons, out.retrain
    elif isinstance(out, tuple | list) and len(out) == 3:
        status, reasons, retrain = out
    else:
        raise Wrong(f"decide returned {type(out).__name__}: return a Verdict(status, reasons, retrain).")
    if not isinstance(reasons, list | tuple):
        raise Wrong(f"the reasons are {type(reasons).__name__}: return a list of the findings, most severe first.")
    if isinstance(retrain, np.bool_ | np.integer | int) and retrain in (0, 1):
        retrain = bool(retrain)
    if not isinstance(retrain, bool):
        raise Wrong(f"retrain is {retrain!r}: it should be True or False, whether continuous training gets a "
                    "trigger.")
    return status, list(reasons), retrain


def _status_mistake(got: Any, findings: list) -> str | None:
    statuses = [f.status for f in findings]
    want = max(statuses, key=SEVERITY.__getitem__, default="OK")
    if got == want:
        return None
    if not isinstance(got, str) or got not in SEVERITY:
        return f"the status is {got!r}: a week's status is one of 'OK', 'WARN', 'RETRAIN', 'INCIDENT'"
    if not findings:
        return f"the status is {got} on a week without findings: nothing failed, so it is OK"
    if got == max(statuses):
        return (f"the status is {got}, the least severe of the findings, or the largest as text ('WARN' > 'RETRAIN' "
                f"> 'INCIDENT' as strings): the most severe finding decides ({want}); rank statuses by SEVERITY")
    if got in (statuses[0], statuses[-1]):
        which = "first" if got == statuses[0] else "last"
        return (f"the status is {got}, the {which} finding's: the week's status is the most severe of all its "
                f"findings ({want})")
    return (f"the status is {got}, but the week has {'an' if want == 'INCIDENT' else 'a'} {want} finding: the most "
            "severe finding decides (INCIDENT > RETRAIN > WARN > OK)")


def _retrain_mistake(got: bool, findings: list) -> str | None:
    statuses = {f.status for f in findings}
    want = "RETRAIN" in statuses
    if got == want:
        return None
    if want and "INCIDENT" in statuses:
        return ("retrain is False in an incident week that has a RETRAIN finding: the trigger still goes out beside "
                "the page (CT quarantines the broken batch); retrain is whether any finding is RETRAIN, not "
                "whether the week's status is")
    if want:
        return "retrain is False, but a finding is RETRAIN (recall below its floor): that is the trigger for CT"
    if not findings:
        return "retrain is True on a week without findings: nothing failed"
    if "INCIDENT" in statuses:
        return ("retrain is True, but no finding is RETRAIN: a data-quality incident pages on-call (the batch is "
                "broken, not the model); only a performance finding triggers retraining")
    return ("retrain is True, but no finding is RETRAIN: drift and prediction findings are WARN, they go on the "
            "dashboard; only a performance finding triggers retraining (acting on every drift teaches a team to "
            "ignore its alerts)")


def _reasons_members(got: list, findings: list) -> str | None:
    """What is wrong with which findings the reasons hold (None: each finding once)."""
    other = next((r for r in got if not any(r == f for f in findings)), None)
    if other is not None:
        return (f"the reasons hold {type(other).__name__} values, not findings: they should be the Finding objects "
                "themselves (their check, sentence and runbook go into the report)")
    if len(got) == len(findings) and all(any(r == f for r in got) for f in findings):
        return None
    top = [f for f in findings if SEVERITY[f.status] == max(SEVERITY[g.status] for g in findings)]
    if got == top:
        return ("the reasons hold only the findings of the week's status: list every finding, most severe first (a "
                "WARN beside an INCIDENT still tells on-call something)")
    return f"the reasons should hold each of the {len(findings)} findings once; they hold {len(got)}"


def _reasons_mistake(got: list, findings: list) -> str | None:
    if got == sorted(findings, key=lambda f: -SEVERITY[f.status]):
        return None
    ranks = [SEVERITY[r.status] for r in got]
    if got == findings:
        return "the reasons are in the order the checks ran: sort them most severe first"
    if ranks == sorted(ranks) != sorted(ranks, reverse=True):
        return "the reasons are least severe first: the most severe comes first"
    if ranks != sorted(ranks, reverse=True):
        return (f"the reasons are not sorted by severity ({', '.join(r.status for r in got)}): INCIDENT, then "
                "RETRAIN, then WARN; rank with SEVERITY, not the status text")
    return ("findings of the same status should keep the order the checks found them in: sort on the severity "
            "alone (Python's sort is stable); sorting by status and check, or reversing a sorted list, reorders them")


@exercise(
    "6.2",
    "the alert policy's precedence",
    hint=(
        "A week gets one status, that of its most severe finding, by the precedence INCIDENT > RETRAIN > WARN > "
        "OK (OK when nothing failed); each finding knows its own (Finding.status, from KIND_STATUS). The reasons "
        "are all the findings, most severe first; retrain says whether continuous training gets a trigger.",
        "Rank with SEVERITY, never the status text: as strings 'WARN' > 'RETRAIN' > 'OK' > 'INCIDENT'. "
        "`sorted(findings, key=...)` returns a new list and is stable (findings of one status keep their order); "
        "`findings.sort()` would reorder the caller's list.",
        "The traps: retrain is whether any finding is RETRAIN, also in an INCIDENT week (the trigger still goes "
        "out beside the page); drift and prediction findings are WARN and never retrain; a week without findings "
        "is OK, with no reasons and no retraining.",
    ),
)
def decide(decide: Any) -> str:
    func = _learner_function(decide, "decide")
    finding = _finding_class(func)
    for what, names in (weeks := cases.decide_cases()):
        findings = [call_learner(finding, "Finding", *cases.FINDINGS[name]) for name in names]
        given = list(findings)
        out = call_learner(func, "decide", given, advice=None if findings else (
            lambda err: " (a week without findings is OK: the list may be empty)"))
        if len(given) != len(findings) or any(a is not b for a, b in zip(given, findings, strict=True)):
            raise Wrong(f"it reordered the list it was given: findings.sort() sorts in place, and the caller's list "
                        f"is in the order the checks ran; sorted(...) returns a new one. (On {what}.)")
        status, reasons, retrain = _verdict(out)
        mistake = (_status_mistake(status, findings) or _retrain_mistake(retrain, findings)
                   or _reasons_members(reasons, findings) or _reasons_mistake(reasons, findings))
        if mistake:
            raise Wrong(f"{mistake}. (On {what}.)")
    return (f"Right on {len(weeks)} weeks: none, drift alone, statuses whose text sorts the other way, incident "
            "weeks with and without a retrain trigger; reasons most severe first in a stable order, the list unchanged.")


# ---------------------------------------------------------------- 6.3

def _performance_advice(err: Exception) -> str:
    if isinstance(err, ZeroDivisionError):
        return " (with no known fraud, cases is 0: the recall is NaN then)"
    return " (as_of has a zone and so do the timestamps: compare them as they are)" if "tz" in str(err) else ""


@exercise(
    "6.3",
    "performance on the labels known so far",
    hint=(
        "Judge the model as the bank could on as_of: the payments of the `days` before as_of, and among them the "
        "frauds reported before as_of (a fraud reported later is not known yet; one never reported looks "
        "legitimate). Recall is the share of those known frauds the team caught: reviewed, not merely alerted "
        "(an alert past the day's capacity catches nothing); the rupees say what they were worth, by the ledger. "
        "One row per fraud type, and one, 'all', for them together.",
        "Two cuts on aware timestamps, compared as they are (as_of may be in IST, the record is in UTC): "
        "as_of - days <= event_timestamp < as_of for the payments, reported_at < as_of for the reports. Then "
        "merge on txn_id (bringing the report's fraud_type and ledger_amount_inr) and group by fraud_type.",
        "The traps: a payment can be reported twice, so drop duplicate txn_ids, after the report cut (before it "
        "you may keep a report from after as_of and lose the earlier one); a recall over 0 cases is NaN, not 0; "
        "caught and rupees_caught count only the reviewed frauds, at ledger amounts (the record's amount_inr is "
        "what the app sent); and record and reports come back unchanged.",
    ),
)
def performance(performance_as_of: Any) -> str:
    func = _learner_function(performance_as_of, "performance_as_of")
    crafted = cases.performance_cases()
    for what, record, reports, as_of, days in [*crafted, cases.realistic_production()]:
        kept = record.copy(deep=True), reports.copy(deep=True)
        out = call_learner(func, "performance_as_of", record, reports, as_of, days=days, advice=_performance_advice)
        for name, before, after in (("record", kept[0], record), ("reports", kept[1], reports)):
            if not _unchanged(before, after):
                raise Wrong(f"it changed the {name} it was given: performance_as_of only reads; work on a copy "
                            f"(sort_values and drop_duplicates return new frames). (On {what}.)")
        mistake = _performance_mistake(_performance_table(out), (record, reports, as_of, days))
        if mistake:
            raise Wrong(f"{mistake}. (On {what}.)")
    return (f"Right on {len(crafted)} crafted records and a realistic one: reports after as_of and exactly at it, a "
            "payment reported twice, payments at and just outside the window's bounds, as_of in IST against UTC, "
            "days=7, no known fraud (recall NaN), an alert nobody reviewed, an amount sent in paise; record and reports "
            "unchanged.")


# ---------------------------------------------------------------- 6.4 and 6.5, the weekly Evidently report


@exercise(
    "6.4",
    "the data-quality metrics and their tests",
    hint=(
        "An Evidently metric takes its test conditions with it: tests= on the metric's value, share_tests= on a "
        "count metric's share (OutRangeValueCount, OutListValueCount, MissingValueCount count rows and give their "
        "share). The frozen thresholds are shares, so they go in share_tests; at_most(t, name) is [lte(t[name])], "
        "or [] when nothing is frozen.",
        "The week, whole: OutRangeValueCount on amount_inr (0.01 to story.P2M_LIMIT_INR), an OutListValueCount per "
        "config.CATEGORICAL column with the reference's categories, a MissingValueCount per config.REQUIRED field. "
        "Per app version, GroupBy(metric, \"app_version\"): MissingValueCount on device_os, and MedianValue on "
        "amount_inr.",
        "The median's tests bound it both ways around the reference's median: [gte(median / fold), "
        "lte(median * fold)] with fold = t[\"unit_fold\"], and no test when t has none.",
    ),
)
def report_quality(module: Any) -> str:
    return _report.quality(_learner_function(module, "quality_metrics"))


@exercise(
    "6.5",
    "the weekly report",
    hint=(
        "The report is a list of metrics: Report(metrics, include_tests=...). With frozen thresholds it carries "
        "their tests; in calibration (thresholds None) it carries none, and the same metrics only measure.",
        "RowCount(tests=[]); one ValueDrift(column=..., method=..., threshold=t.get(f\"drift:{column}\"), "
        "tests=None or []) per column of `methods` (tests=None keeps Evidently's own test, the drift score "
        "against threshold); DriftedColumnsCount over the inputs (not the score); MeanValue(column=\"alert\", "
        "tests=at_most(t, \"alert_rate\")).",
        "Then your quality_metrics(reference, t) and *reports.readouts() (what the dashboard and the version "
        "table read), and return Report(metrics, include_tests=thresholds is not None).",
    ),
)
def report(module: Any) -> str:
    return _report.report(_learner_function(module, "data_report"))


@exercise(
    "6.6",
    "the monitoring dashboard",
    hint=(
        "The Evidently UI reads a workspace, a folder: Workspace(str(path)) opens it (or makes it). A project "
        "groups the weekly snapshots; its dashboard holds panels, each plotting one metric's value over the "
        "snapshots. The weekly job calls evidently_project every week, so make the project once and find it after.",
        "found = ws.search_project(config.PROJECT_NAME): return (ws, found[0]) when there is one. Otherwise "
        "ws.create_project(name), set project.description, project.save(), then add the panels with "
        "project.dashboard.add_panel(panel, tab=\"Monitoring\").",
        "A line panel: DashboardPanelPlot(title=..., size=\"half\", plot_params={\"plot_type\": \"line\"}, "
        "values=[PanelMetric(legend=..., metric=\"MeanValue\", metric_labels={\"column\": \"alert\"})]). Five: "
        "DriftedColumnsCount and OutRangeValueCount(amount_inr) and MissingValueCount(device_os) with "
        "value_type=\"share\", MeanValue of alert, and MeanValue of caught (the performance snapshot's recall).",
    ),
)
def dashboard(module: Any) -> str:
    from upi_fraud.monitoring import config

    return _dashboard.dashboard(_learner_function(module, "evidently_project"), config.PROJECT_NAME)
