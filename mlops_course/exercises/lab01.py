"""Checks for lab 01 (the problem and the data).

Exercises 1.2 to 1.4 are files of the learner's project (timesplit.py, rules.py, alerts.py): each check
runs the learner's function on a small crafted case where the usual mistakes give a different answer
(UTC instead of IST days, a budget that rounds to nothing, ties, zero scores), names the mistake it sees,
then compares with the course's reference (`mlops_course.periods`, `mlops_course.metrics`) on the lab's data.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from upi_kit import story

from .. import metrics, periods
from ..checks import Wrong, call_learner, exercise, require_type


def _categorical_advice(err: Exception) -> str:
    if "Categoricals can only be compared" in str(err):
        return "; compare the ids as strings (.astype(str)): the columns are categoricals with different categories"
    return ""


def _utc(*stamps: str) -> pd.Series:
    return pd.Series([pd.Timestamp(stamp, tz="UTC") for stamp in stamps])


# ---------------------------------------------------------------- 1.1


@exercise(
    "1.1",
    "the hour of the day in India",
    hint=(
        "`event_timestamp` is stored in UTC, but the rhythm of the day (nights, evenings) is in India's "
        "time, IST (UTC+05:30): convert before you take the hour.",
        "`.dt.tz_convert(story.TIMEZONE)` converts to Asia/Kolkata; then `.dt.hour` gives the hour, 0 to "
        "23, one per payment.",
    ),
)
def hour_ist(answer: Any, tx: pd.DataFrame) -> str:
    require_type(answer, (pd.Series, np.ndarray), "`hour_ist`")
    values = np.asarray(answer)
    if len(values) != len(tx):
        raise Wrong(f"`hour_ist` has {len(values)} values but there are {len(tx)} payments: one hour per payment.")
    truth = periods.ist_hours(tx["event_timestamp"]).to_numpy()
    utc = tx["event_timestamp"].dt.hour.to_numpy()
    if np.array_equal(values, utc):
        raise Wrong("these are UTC hours: India is 5 h 30 min ahead, so convert to Asia/Kolkata before taking the hour.")
    if not np.array_equal(values, truth):
        wrong = int((values != truth).sum())
        raise Wrong(f"{wrong} of {len(truth)} hours differ from the IST hour of the payment.")
    return "Every rhythm in this dataset (nights, evenings, salary days) is in IST."


# ---------------------------------------------------------------- 1.2

#: Payments around the period boundaries (UTC), in no particular order: IST 23:59 on 30 June is train,
#: 18:30 UTC on 30 June is already 1 July in India, 19:00 UTC on 31 August is production.
_SPLIT_CASE = ("2025-06-30 18:30", "2025-03-10 09:00", "2025-06-30 18:29:59", "2025-07-31 19:00",
               "2025-08-31 19:00", "2025-06-30 20:00", "2024-12-31 19:00", "2025-07-31 12:00",
               "2025-08-31 10:00", "2025-07-01 10:00", "2025-10-01 08:00", "2025-08-01 06:00")


def _crafted_split(tx: pd.DataFrame) -> pd.DataFrame:
    """Rows of tx (all columns) with the boundary timestamps, new txn_ids and an index that is not 0..n."""
    case = tx.iloc[: len(_SPLIT_CASE)].copy()
    case["event_timestamp"] = _utc(*_SPLIT_CASE).to_numpy()
    case["txn_id"] = [f"X{i:02d}" for i in range(len(case))]
    case.index = [907, 3, 512, 44, 71, 600, 15, 230, 8, 999, 64, 120]
    return case


def _ids(part: Any, name: str, tx: pd.DataFrame) -> list[str]:
    require_type(part, pd.DataFrame, f"`{name}`")
    if "txn_id" not in part.columns and "txn_id" in part.index.names:
        part = part.reset_index()
    lost = [c for c in tx.columns if c not in part.columns]
    if lost:
        raise Wrong(f"`{name}` lost columns {lost[:3]}: return the rows of `tx` with all their columns.")
    return part["txn_id"].astype(str).tolist()


def _split_by_id(func: Any, tx: pd.DataFrame) -> dict[str, str]:
    """txn_id -> the part the learner put it in; wrong shapes, foreign rows and overlaps are named."""
    parts = call_learner(func, "split_by_time", tx, advice=_categorical_advice)
    if not isinstance(parts, tuple | list) or len(parts) != 3:
        raise Wrong("split_by_time should return three DataFrames, in order: train, valid, test.")
    where: dict[str, str] = {}
    known = set(tx["txn_id"].astype(str))
    for name, part in zip(("train", "valid", "test"), parts, strict=True):
        for txn in _ids(part, name, tx):
            if txn not in known:
                raise Wrong(f"`{name}` has rows that are not in `tx`: filter the rows of `tx`, do not build new ones.")
            if txn in where:
                day = periods.ist_dates(tx.loc[tx["txn_id"] == txn, "event_timestamp"]).iloc[0]
                raise Wrong(f"a payment of {day.day} {day:%B} (IST) is in both `{where[txn]}` and `{name}`: the periods overlap; "
                            "each starts the day after the previous one ends.")
            where[txn] = name
    return where


def _period_by_date(dates: pd.Series) -> np.ndarray:
    return np.select([dates <= story.TRAIN_END, dates <= story.VALID_END, dates <= story.TEST_END],
                     ["train", "valid", "test"], default="production")


def _split_mistake(got: dict[str, str], case: pd.DataFrame) -> None:
    ts = case["event_timestamp"]
    want = dict(zip(case["txn_id"], _period_by_date(periods.ist_dates(ts)), strict=True))
    if all(got.get(t) == w or (t not in got and w == "production") for t, w in want.items()):
        return
    utc = _period_by_date(ts.dt.date)
    if all(got.get(t, "production") == u for t, u in zip(case["txn_id"], utc, strict=True)):
        raise Wrong("you split by UTC date: a payment at 20:00 UTC on 30 June is 01:30 IST on 1 July, so it belongs "
                    "to `valid`; convert with tz_convert(story.TIMEZONE) before taking the date.")
    for txn, stamp in zip(case["txn_id"], ts, strict=True):
        should, put = want[txn], got.get(txn, "no part")
        if put != should and not (put == "no part" and should == "production"):
            ist = stamp.tz_convert(story.TIMEZONE)
            when = f"{ist.day} {ist:%B %H:%M} IST ({stamp.day} {stamp:%B %H:%M} UTC)"
            if should == "production":
                raise Wrong(f"a payment at {when} is in `{put}`, but it is production (after story.TEST_END): "
                            "leave it out of all three parts.")
            gap = " (a gap: the end dates are inclusive)" if put == "no part" else ""
            raise Wrong(f"a payment at {when} is in {put if gap else f'`{put}`'}, but belongs to `{should}`{gap}; "
                        "compare IST calendar dates with TRAIN_END, VALID_END, TEST_END.")


@exercise(
    "1.2",
    "a time-based split in your project",
    hint=(
        "Give each payment its IST calendar date, then keep the rows of `tx` whose date falls in each period: "
        "train up to and including story.TRAIN_END, valid the days after it up to story.VALID_END, test the "
        "days after that up to story.TEST_END. Later payments (production) are in no part.",
        "The date: `.dt.tz_convert(story.TIMEZONE).dt.date` on the timestamps (the trap: `.dt.date` alone "
        "gives the UTC date, a day early for payments after 18:30 UTC). Boolean masks on `tx` keep its rows, "
        "columns and index.",
    ),
)
def time_split(func: Any, tx: pd.DataFrame) -> str:
    case = _crafted_split(tx)
    _split_mistake(_split_by_id(func, case), case)
    got = _split_by_id(func, tx)
    reference = periods.reference_split(tx)
    for name in ("train", "valid", "test"):
        want = set(reference[name]["txn_id"].astype(str))
        have = {t for t, part in got.items() if part == name}
        if have != want:
            raise Wrong(f"on the lab's data `{name}` has {len(have):,} payments, but the course's split has "
                        f"{len(want):,} ({len(have - want):,} too many, {len(want - have):,} missing).")
    sizes = {name: sum(part == name for part in got.values()) for name in ("train", "valid", "test")}
    return f"train {sizes['train']:,}, valid {sizes['valid']:,}, test {sizes['test']:,} payments, by IST date."


# ---------------------------------------------------------------- 1.3


def _rule_parts(df: pd.DataFrame, customers: pd.DataFrame, utc: bool = False) -> dict[str, np.ndarray]:
    usual = df["customer_id"].astype(str).map(customers.set_index(customers["customer_id"].astype(str))["usual_device_id"])
    hours = df["event_timestamp"].dt.hour if utc else periods.ist_hours(df["event_timestamp"])
    return {
        "new device": (df["device_id"].astype(str) != usual.astype(str)).to_numpy(),
        "night": hours.isin(story.NIGHT_HOURS_IST).to_numpy(),
        "high amount": (df["amount_inr"] >= story.RULES_HIGH_AMOUNT_INR).to_numpy(),
    }


def _crafted_rules() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Payments at the edges: IST night that is UTC evening, UTC night that is IST morning, 04:59 and 05:00
    IST, an amount of exactly the threshold and one paisa below; categorical columns as in the data."""
    stamps = _utc("2025-03-03 20:00", "2025-03-04 02:00", "2025-03-04 23:29", "2025-03-04 23:30",
                  "2025-03-05 08:00", "2025-03-05 09:00", "2025-03-05 19:00")
    high = story.RULES_HIGH_AMOUNT_INR
    df = pd.DataFrame({
        "customer_id": pd.Categorical(["C2", "C1", "C1", "C2", "C1", "C3", "C3"]),
        "device_id": pd.Categorical(["D7", "D1", "D1", "D2", "D1", "D3", "D8"]),
        "event_timestamp": stamps.to_numpy(),
        "amount_inr": [float(high), 50.0, 700.0, 1200.0, high - 0.01, 300.0, 2.0 * high],
    }, index=[31, 4, 17, 8, 22, 5, 13])
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "usual_device_id": ["D1", "D2", "D3"]})
    return df, customers


def _rules_mistake(got: np.ndarray, df: pd.DataFrame, customers: pd.DataFrame) -> None:
    parts = _rule_parts(df, customers)
    truth = sum(p.astype(int) for p in parts.values())
    if np.array_equal(got, truth):
        return
    if np.array_equal(got, truth - parts["night"] + _rule_parts(df, customers, utc=True)["night"]):
        raise Wrong("the night rule uses UTC hours: convert to IST first (exercise 1.1).")
    if np.array_equal(got, truth - parts["high amount"] + (df["amount_inr"] > story.RULES_HIGH_AMOUNT_INR).to_numpy()):
        raise Wrong(f"a payment of exactly \u20b9{story.RULES_HIGH_AMOUNT_INR:,} is large: use >= "
                    "story.RULES_HIGH_AMOUNT_INR, not >.")
    if np.array_equal(got, (truth > 0).astype(int)):
        raise Wrong("the score says whether any rule fires; it should count them (0 to 3).")
    for name, part in parts.items():
        if np.array_equal(got, truth - part):
            raise Wrong(f"the '{name}' rule is missing or never fires: check it against the hint.")
    i = int(np.flatnonzero(got != truth)[0])
    stamp = df["event_timestamp"].iloc[i].tz_convert(story.TIMEZONE)
    fires = [name for name, part in parts.items() if part[i]]
    said = f"only {' and '.join(fires)} fire{'s' if len(fires) == 1 else ''}" if fires else "no rule fires"
    raise Wrong(f"a payment at {stamp:%H:%M} IST of \u20b9{df['amount_inr'].iloc[i]:,.2f} scored {got[i]:g}, but "
                f"{said}, so it should score {truth[i]} (night is story.NIGHT_HOURS_IST).")


def _scores(func: Any, df: pd.DataFrame, customers: pd.DataFrame) -> np.ndarray:
    got = call_learner(func, "rules_score", df, customers, advice=_categorical_advice)
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"rules_score returned {type(got).__name__}; return one number (0 to 3) per payment.") from None
    if values.shape != (len(df),):
        raise Wrong(f"rules_score returned {values.size} value(s) for {len(df)} payments: one score per payment.")
    return values


@exercise(
    "1.3",
    "the rules baseline in your project",
    hint=(
        "Three yes/no rules, each 0 or 1, added into a score from 0 to 3: the device is not the "
        "customer's usual one, the payment is at night (IST), the amount is large.",
        "Look up each payment's usual device by `customer_id` in `customers` (`.map` on a Series indexed by "
        "customer_id) and compare as strings (the columns are categoricals); night: the IST hour is in "
        "story.NIGHT_HOURS_IST; large: at least story.RULES_HIGH_AMOUNT_INR. `.astype(int)` before adding.",
    ),
)
def rules(func: Any, tx: pd.DataFrame, customers: pd.DataFrame) -> str:
    case, case_customers = _crafted_rules()
    _rules_mistake(_scores(func, case, case_customers), case, case_customers)
    sample = tx.iloc[:: max(1, len(tx) // 5000)]
    got = _scores(func, sample, customers)
    truth = sum(p.astype(int) for p in _rule_parts(sample, customers).values())
    if not np.array_equal(got, truth):
        raise Wrong(f"on the lab's data {int((got != truth).sum())} of {len(truth)} scores differ from "
                    "new device + night + high amount.")
    return "Three readable rules: the baseline every model must beat, in rupees."


# ---------------------------------------------------------------- 1.4

_SHARE = 0.1  # in the crafted case: a 4-payment day rounds to 0 alerts, a 25-payment day to 2.5


def _crafted_alerts() -> tuple[pd.Series, pd.Series]:
    """Three IST days at share 0.1: 1 July (25 payments, six before 05:30 IST, so 30 June in UTC; five tied
    top scores), 2 July (4 payments: still one alert) and 3 July (20 payments, one score above 0)."""
    day1 = pd.Timestamp("2025-07-01 00:10", tz=story.TIMEZONE) + pd.to_timedelta(np.arange(25) * 55, unit="min")
    day2 = pd.Timestamp("2025-07-02 09:00", tz=story.TIMEZONE) + pd.to_timedelta(np.arange(4) * 3, unit="h")
    day3 = pd.Timestamp("2025-07-03 06:00", tz=story.TIMEZONE) + pd.to_timedelta(np.arange(20) * 50, unit="min")
    stamps = pd.DatetimeIndex([*day1, *day2, *day3]).tz_convert("UTC")
    scores = [3, 0, 1, 3, 0, 2, 0, 0, 3, 1, 0, 0, 2, 0, 3, 0, 0, 1, 0, 0, 3, 0, 0, 0, 0,
              0, 1, 2, 0,
              *([0] * 7), 1, *([0] * 12)]
    index = np.arange(len(stamps))[::-1] * 10 + 5  # not 0..n: positions, not labels, decide ties
    return pd.Series(stamps, index=index, name="event_timestamp"), pd.Series(scores, index=index, dtype=float)


def _alert_mask(func: Any, ts: pd.Series, scores: Any, **share: float) -> np.ndarray:
    got = call_learner(func, "daily_alerts", ts, scores, advice=_categorical_advice, **share)
    values = np.asarray(got)
    if values.shape != (len(ts),):
        raise Wrong(f"daily_alerts returned {values.size} value(s) for {len(ts)} payments: return one True/False "
                    "per payment (a mask), not the alerted rows or their positions.")
    if values.dtype != bool and not np.isin(values, [0, 1]).all():
        raise Wrong("daily_alerts should return True/False per payment (alerted or not), not scores.")
    return values.astype(bool)


def _budget_mistake(got: np.ndarray, want: np.ndarray, days: np.ndarray, scores: np.ndarray) -> None:
    """Compare alerts per IST day: a missing max(1, ...), truncation, or a wrong count."""
    for day in pd.unique(days):
        on = days == day
        n, have, should = int(on.sum()), int(got[on].sum()), int(want[on].sum())
        if have == should:
            continue
        budget = metrics.daily_budget(n, _SHARE)
        if have == 0 and n * _SHARE + 0.5 < 1:
            raise Wrong(f"on {day} (IST) {n} payments give {n} \u00d7 {_SHARE} = {n * _SHARE:g} reviews, which you "
                        "rounded to 0; every day with payments gets at least one review: max(1, ...).")
        if have == math.floor(n * _SHARE) and n * _SHARE % 1 >= 0.5:
            raise Wrong(f"on {day} (IST) {n} payments at share {_SHARE} allow {budget} alerts, you raised {have}: "
                        "round half up, floor(n \u00d7 share + 0.5), not int(n \u00d7 share).")
        positives = int((scores[on] > 0).sum())
        raise Wrong(f"on {day} (IST) you raised {have} alerts among {n} payments; the budget is max(1, floor(n "
                    f"\u00d7 share + 0.5)) = {budget} and {positives} payment(s) score above 0, so there should be "
                    f"{should}; the budget is per IST day.")


def _alerts_mistake(got: np.ndarray, ts: pd.Series, scores: np.ndarray) -> None:
    want = metrics.alerts_under_budget(ts, scores, share=_SHARE)
    if np.array_equal(got, want):
        return
    if (got & (scores <= 0)).any():
        raise Wrong("payments with score 0 raised alerts: the budget is a ceiling, not a quota; only scores above 0 "
                    "alert (a rule that does not fire means no alert).")
    utc_days = metrics.alerts_under_budget(ts, scores, share=_SHARE, timezone="UTC")
    if np.array_equal(got, utc_days):
        raise Wrong("your days are UTC days: a payment at 20:00 UTC on 30 June is 01:30 IST on 1 July; group by the "
                    "IST date (tz_convert(story.TIMEZONE)) and count each IST day's budget.")
    if np.array_equal(got, metrics.alerts_under_budget(ts, scores)):
        raise Wrong(f"the check passed share={_SHARE}, but your function used the default share: use its `share` "
                    "argument.")
    days = periods.ist_dates(ts).to_numpy()
    _budget_mistake(got, want, days, scores)
    for day in pd.unique(days):
        on = days == day
        if sorted(scores[on & got]) != sorted(scores[on & want]):
            raise Wrong(f"on {day} (IST) you alerted a lower score while a higher one went without an alert: take "
                        "each day's highest scores first.")
    later_first = metrics.alerts_under_budget(ts.iloc[::-1], scores[::-1], share=_SHARE)[::-1]
    if np.array_equal(got, later_first):
        raise Wrong("among equal scores you alerted the later rows; ties go to earlier rows (did you reverse an "
                    "ascending sort? sort by -score, with a stable sort).")
    raise Wrong("each day has the right number of alerts and the right scores, but among equal scores you picked "
                "other rows: ties go to earlier rows (a stable sort keeps their order).")


@exercise(
    "1.4",
    "the alerts under the daily budget, in your project",
    hint=(
        "Work day by day, in IST: a day with n payments gets a budget of max(1, floor(n \u00d7 share + 0.5)) "
        "reviews; rank that day's payments by score, highest first, and alert the first `budget` of them, "
        "but never a payment whose score is 0 or less. Among equal scores, the earlier row goes first.",
        "A DataFrame with the IST date (`tz_convert(story.TIMEZONE).dt.date`) and the score; "
        "`sort_values(..., kind='stable')` keeps ties in row order, `groupby(day).cumcount()` gives each "
        "payment's rank within its day, `groupby(day).transform('size')` the day's n. Return a NumPy mask "
        "in the original row order (positions, not index labels).",
    ),
)
def daily_alerts(func: Any, tx: pd.DataFrame) -> str:
    ts, scores = _crafted_alerts()
    _alerts_mistake(_alert_mask(func, ts, scores, share=_SHARE), ts, scores.to_numpy())
    ts = tx["event_timestamp"]
    lab_scores = {  # on the lab's data, with the default share
        "scores with many ties and zeros": (periods.ist_hours(ts).isin(story.NIGHT_HOURS_IST).to_numpy()
                                            + (tx["amount_inr"] >= story.RULES_HIGH_AMOUNT_INR).to_numpy()),
        "random scores": np.random.default_rng(0).random(len(tx)),
    }
    for what, s in lab_scores.items():
        got = _alert_mask(func, ts, s)
        want = metrics.alerts_under_budget(ts, s)
        if not np.array_equal(got, want):
            raise Wrong(f"on the lab's data with {what} and the default share, {int((got != want).sum())} payments "
                        f"differ from the course's reference ({int(got.sum())} alerts, the reference has "
                        f"{int(want.sum())}); is the default share story.ALERT_BUDGET_SHARE?")
    return (f"The same alerts as the course's metric on {periods.ist_dates(ts).nunique()} IST days of the lab's "
            "data: rupee_value and recall_by_typology are built on your function.")
