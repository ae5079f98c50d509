"""Crafted weeks for exercises 6.4 and 6.5 (the weekly Evidently report): each breaks one thing, so the Evidently
tests that must fail are known by construction.

A reference of 3,000 payments and weeks of 1,500 from the same distribution (another seed), in three app versions
and a small fourth (60 payments, 4% of a week): a fault in one app's rows moves that version's statistics far and
the week's a little, so a metric measured over the whole week instead of per app version misses it. The thresholds
are round numbers of the kind calibration freezes. Each week's expected failures are checked against the reference
project's report by a unit test (tests/unit/test_exercises_lab06_report.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..checks import Wrong, call_learner, require_type

APPS = ("5.6.0", "5.7.0", "5.8.0")
SMALL_APP = "5.9.0"
CATEGORIES = {"channel": ("intent", "collect", "qr"), "payee_type": ("p2p", "p2m"),
              "merchant_category": ("p2p", "grocery", "food", "fashion", "electronics", "recharge"),
              "device_os": ("android", "ios"), "city_tier": (1, 2, 3)}
#: Frozen thresholds, as calibration would write them in monitoring/policy.json.
THRESHOLDS: dict[str, float] = {
    "out_of_range_share": 0.002, "unit_fold": 3.0, "missing_share:device_os": 0.05, "alert_rate": 0.05,
    **{f"missing_share:{c}": 0.01 for c in ("channel", "payee_type", "merchant_category", "amount_inr", "city_tier")},
    **{f"new_category_share:{c}": 0.01 for c in CATEGORIES},
    "drift:amount_inr": 0.2, "drift:hour_ist": 0.2, "drift:score": 0.2,
    **{f"drift:{c}": 0.1 for c in CATEGORIES},
}

Key = tuple[str, str | None, str | None]


def payments(n: int, seed: int) -> pd.DataFrame:
    """n payments as the production record holds them (the monitored inputs, score, alert, app_version)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "amount_inr": np.round(rng.lognormal(np.log(600), 0.9, n), 2),
        "hour_ist": rng.integers(0, 24, n),
        **{c: rng.choice(np.array(v, dtype=object), n) for c, v in CATEGORIES.items()},
        "score": rng.beta(1, 30, n),
        "app_version": rng.choice(np.array(APPS, dtype=object), n),
    })
    frame["city_tier"] = frame["city_tier"].astype(float)
    frame["alert"] = (frame["score"] >= 0.12).astype(int)
    return frame


def reference() -> pd.DataFrame:
    return payments(3_000, seed=1)


def week(kind: str) -> pd.DataFrame:
    """A week of 1,500 payments with one fault (`kind`), or none ("clean")."""
    frame = payments(1_500, seed=2)
    frame.loc[frame.index[-60:], "app_version"] = SMALL_APP  # a small app: 4% of the week
    frame.loc[frame.index[5:10], ["payee_type", "amount_inr"]] = ["p2m", 150_000.0]  # 0.3%: large, legal to a merchant
    small = frame["app_version"] == SMALL_APP
    one_app = frame["app_version"] == APPS[1]
    edits = {
        "clean": lambda f: f,
        "few_missing": lambda f: f.assign(city_tier=f["city_tier"].where(f.index % 200 != 0, np.nan),
                                          amount_inr=f["amount_inr"].where(f.index != 7, 250_000.0)),
        "paise": lambda f: f.assign(amount_inr=f["amount_inr"].where(~one_app, f["amount_inr"] * 100).clip(upper=1e5)),
        "hundredth": lambda f: f.assign(amount_inr=f["amount_inr"].where(~one_app, f["amount_inr"] / 100)),
        "null_os": lambda f: f.assign(device_os=f["device_os"].where(~small, None)),
        "over_limit": lambda f: f.assign(amount_inr=f["amount_inr"].where(f.index % 300 != 0, 250_000.0)),
        "new_category": lambda f: f.assign(merchant_category=f["merchant_category"].where(f.index % 20 != 0, "bills")),
        "missing_tier": lambda f: f.assign(city_tier=f["city_tier"].where(f.index % 30 != 0, np.nan)),
        "merchant_drift": lambda f: f.assign(merchant_category=np.where(f.index % 2 == 0, "electronics",
                                                                         f["merchant_category"])),
        "score_drift": lambda f: f.assign(score=np.clip(f["score"] * 4, 0, 1)).assign(
            alert=lambda g: (g["score"] >= 0.12).astype(int)),
    }
    return edits[kind](frame)


#: {week: the Evidently tests that must fail on it, as reports.failed_tests names them}.
EXPECTED: dict[str, set[Key]] = {
    "clean": set(),
    "few_missing": set(),
    "paise": {("MedianValue", "amount_inr", APPS[1])},
    "hundredth": {("MedianValue", "amount_inr", APPS[1])},
    "null_os": {("MissingValueCount", "device_os", SMALL_APP)},
    "over_limit": {("OutRangeValueCount", "amount_inr", None)},
    "new_category": {("OutListValueCount", "merchant_category", None)},
    "missing_tier": {("MissingValueCount", "city_tier", None)},
    "merchant_drift": {("ValueDrift", "merchant_category", None)},
    "score_drift": {("ValueDrift", "score", None), ("MeanValue", "alert", None)},
}
#: The whole report sees more: paise move the amounts' distribution too (its PSI), and a new category moves the
#: merchant mix.
EXPECTED_REPORT: dict[str, set[Key]] = {
    **EXPECTED, "paise": EXPECTED["paise"] | {("ValueDrift", "amount_inr", None)},
    "new_category": EXPECTED["new_category"] | {("ValueDrift", "merchant_category", None)},
}


def run(metrics_or_report: Any, current: pd.DataFrame, ref: pd.DataFrame, include_tests: bool = True) -> Any:
    """Run a list of metrics (or a Report) on a crafted week against the reference: the Evidently snapshot."""
    import warnings

    from evidently import DataDefinition, Dataset, Report

    numeric = ["amount_inr", "hour_ist", "score", "alert"]
    categorical = [*CATEGORIES, "app_version"]

    def data(frame: pd.DataFrame) -> Any:
        definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
        return Dataset.from_pandas(frame[numeric + categorical], data_definition=definition)

    report = metrics_or_report if isinstance(metrics_or_report, Report) else Report(
        list(metrics_or_report), include_tests=include_tests)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return report.run(current_data=data(current), reference_data=data(ref))


# ---------------------------------------------------------------- the checks

#: {week: what it breaks}, for the sentence when a test that must fail on it did not.
BROKE = {
    "paise": f"app {APPS[1]} sends amounts 100 times too large (paise)",
    "hundredth": f"app {APPS[1]} sends amounts 100 times too small",
    "null_os": f"app {SMALL_APP} drops device_os on all its payments (4% of the week)",
    "over_limit": "1 payment in 300 is above NPCI's ₹2 lakh limit",
    "new_category": "5% of payments carry a merchant category the reference never had",
    "missing_tier": "city_tier is missing on 3% of payments",
    "merchant_drift": "half the payments turned to electronics",
    "score_drift": "scores are four times higher, and alerts far above the team's capacity",
}


#: {metric: what catches a failure of it that the learner's metrics missed}.
FIX = {
    "MedianValue": ("group MedianValue(column=\"amount_inr\") by app_version, bounded by gte(median / fold) and "
                    "lte(median * fold) with the reference's median and t[\"unit_fold\"]"),
    "MissingValueCount": ("one MissingValueCount per required field (config.REQUIRED), with share_tests=at_most(t, "
                          "f\"missing_share:{column}\")"),
    "OutRangeValueCount": ("OutRangeValueCount(column=\"amount_inr\", left=0.01, right=story.P2M_LIMIT_INR) with "
                           "share_tests=at_most(t, \"out_of_range_share\")"),
    "OutListValueCount": ("one OutListValueCount per categorical column, with values= the reference's categories "
                          "(NaN left out) and share_tests=at_most(t, f\"new_category_share:{column}\")"),
    "ValueDrift": ("leave tests=None on each ValueDrift when thresholds are frozen, in a Report(..., "
                   "include_tests=True): Evidently then adds its own drift test, the score against the threshold "
                   "you pass"),
    "MeanValue": "MeanValue(column=\"alert\", tests=at_most(t, \"alert_rate\"))",
}


def _fix(key: Key, kind: str) -> str:
    """What catches the failure `key` the learner's metrics missed on week `kind`."""
    metric, _, label = key
    if metric == "MedianValue" and kind == "hundredth":
        return "bound the median from below too: gte(median / fold) as well as lte(median * fold)"
    if metric == "MissingValueCount" and label is not None:
        return ("test device_os's missing share per app version: GroupBy(MissingValueCount(column=\"device_os\", "
                "share_tests=...), \"app_version\"); over the whole week 4% stays under the 5% allowed")
    return FIX[metric]


QUALITY_WEEKS = ("clean", "few_missing", "paise", "hundredth", "null_os", "over_limit", "new_category", "missing_tier")
REPORT_WEEKS = ("clean", "merchant_drift", "score_drift", "paise")


def _named(key: Key) -> str:
    kind, column, label = key
    return f"{kind}({column or ''})" + (f" for app {label}" if label else "")


def _judge_week(kind: str, got: set[Key], expected: dict[str, set[Key]]) -> None:
    want = expected[kind]
    if want - got:
        first = sorted(want - got, key=str)[0]
        raise Wrong(f"on a week where {BROKE[kind]}, no test failed on {_named(first)}: {_fix(first, kind)}.")
    if got - want:
        extra = ", ".join(_named(k) for k in sorted(got - want, key=str))
        share = " A share threshold (0.01 is 1%) on a count fails at the first row: use share_tests, not tests." \
            if kind in ("clean", "few_missing") else ""
        raise Wrong(f"on {'a clean week' if kind == 'clean' else WEEK_WORDS.get(kind, kind)} the test on {extra} "
                    f"failed, which nothing in that week breaks.{share}")


WEEK_WORDS = {"few_missing": ("a week with city_tier missing on 0.5% of payments (1% allowed) and one payment in "
                             "1,500 over NPCI's limit (0.2% allowed)")}


def _snapshot_tests(snapshot: Any) -> list[Any]:
    return list(snapshot.dict().get("tests") or [])


def _failed(snapshot: Any) -> set[Key]:
    from upi_fraud.monitoring import reports

    return reports.failed_tests(snapshot)


def quality(func: Any) -> str:
    """6.4: quality_metrics(reference, t) on crafted weeks, with the thresholds frozen and without."""
    ref = reference()
    metrics = call_learner(func, "quality_metrics", ref, {})
    require_type(metrics, list, "what quality_metrics returns (Evidently metrics)")
    if _snapshot_tests(run(metrics, week("paise"), ref)):
        raise Wrong("with no thresholds (calibration: nothing is frozen yet) your metrics carry tests: attach a test "
                    "only when its threshold is in t, as at_most(t, name) does.")
    for kind in QUALITY_WEEKS:
        metrics = call_learner(func, "quality_metrics", ref, dict(THRESHOLDS))
        _judge_week(kind, _failed(run(metrics, week(kind), ref)), EXPECTED)
    return (f"On {len(QUALITY_WEEKS)} crafted weeks the right tests fail: a unit change either way and a dropped "
            "device_os in one app version, amounts over NPCI's limit, a new category, a missing field; a clean week "
            "and one under the allowed share pass, and without thresholds nothing is tested.")


def _drift_configs(snapshot: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for m in snapshot.dict()["metrics"]:
        c = m["config"]
        if c["type"].split(":")[-1] == "ValueDrift":
            out[c["column"]] = c
    return out


def _judge_drift(snapshot: Any, ref: pd.DataFrame, t: dict[str, float]) -> None:
    from upi_fraud.monitoring import reports

    configs = _drift_configs(snapshot)
    methods = reports.drift_methods(ref)
    missing = [c for c in methods if c not in configs]
    if missing:
        raise Wrong(f"no ValueDrift on {', '.join(missing)}: one per column of reports.drift_methods(reference), "
                    "the score included.")
    for column, method in methods.items():
        got = configs[column].get("method")
        if got != method:
            raise Wrong(f"ValueDrift on {column} uses method {got!r}: use the method config.py chose for it, "
                        f"{method!r} (methods[column]).")
        limit = configs[column].get("threshold")
        if limit is None or not np.isclose(float(limit), t[f"drift:{column}"]):
            raise Wrong(f"ValueDrift on {column} has threshold {limit!r}: pass the frozen one, "
                        f"t[\"drift:{column}\"] = {t[f'drift:{column}']}.")


def report(func: Any) -> str:
    """6.5: data_report(reference, thresholds): calibration (no tests, every statistic readable) and frozen weeks."""
    from evidently import Report
    from upi_fraud.monitoring import reports

    ref = reference()
    untested = call_learner(func, "data_report", ref)
    require_type(untested, Report, "what data_report returns (an Evidently Report)")
    snapshot = run(untested, week("paise"), ref)
    if _snapshot_tests(snapshot):
        raise Wrong("data_report(reference) with no thresholds (calibration) carries tests: "
                    "Report(metrics, include_tests=thresholds is not None), and tests=[] on each drift.")
    try:
        stats, _ = reports.week_statistics(snapshot, week("paise"), ref)
    except (KeyError, ValueError) as err:
        raise Wrong(f"reports.week_statistics could not read your report ({type(err).__name__}: {err}): add "
                    "*reports.readouts() to the metrics, and every metric of quality_metrics.") from None
    wanted = [k for k in ("rows", "alert_rate", "drifted_share", "drift:score", "out_of_range_share") if k not in stats]
    if wanted:
        raise Wrong(f"the policy cannot read {', '.join(wanted)} from your report: RowCount(), a ValueDrift per "
                    "column, DriftedColumnsCount over the inputs, MeanValue(column=\"alert\") and the quality metrics.")
    t = dict(THRESHOLDS)
    for kind in REPORT_WEEKS:
        frozen = call_learner(func, "data_report", ref, t)
        snapshot = run(frozen, week(kind), ref)
        if kind == "clean":
            _judge_drift(snapshot, ref, t)
            if not _snapshot_tests(snapshot):
                raise Wrong("with frozen thresholds the report shows no tests: Report(metrics, include_tests=True) "
                            "when thresholds are given.")
        _judge_week(kind, _failed(snapshot), EXPECTED_REPORT)
    return ("Calibration's report carries no tests and the policy reads every statistic from it; with the frozen "
            "thresholds each drift uses its own method and threshold, and the drifted, the over-alerting and the "
            "paise weeks fail their tests while a clean week passes.")
