"""Checks for lab 01 (the problem and the data)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import metrics, periods, story
from ..checks import Wrong, exercise, require_type


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


@exercise(
    "1.2",
    "a time-based split",
    hint=(
        "Split by the IST calendar date of each payment: train up to and including `story.TRAIN_END`, "
        "validation after that up to `story.VALID_END`, test after that up to `story.TEST_END`. Each "
        "payment lands in exactly one part.",
        "`tx['event_timestamp'].dt.tz_convert(story.TIMEZONE).dt.date` gives the IST date; compare it "
        "with the story's dates and filter `tx` with the masks. The trap: the UTC date puts late-evening "
        "payments on the wrong day.",
    ),
)
def time_split(train: Any, valid: Any, test: Any, tx: pd.DataFrame) -> str:
    for name, part in (("train", train), ("valid", valid), ("test", test)):
        require_type(part, pd.DataFrame, f"`{name}`")
    day = periods.ist_dates(tx["event_timestamp"])
    expected = {
        "train": tx.index[day <= story.TRAIN_END],
        "valid": tx.index[(day > story.TRAIN_END) & (day <= story.VALID_END)],
        "test": tx.index[(day > story.VALID_END) & (day <= story.TEST_END)],
    }
    parts = {"train": train, "valid": valid, "test": test}
    utc_day = tx["event_timestamp"].dt.date
    if len(train) and train.index.equals(tx.index[utc_day <= story.TRAIN_END]):
        raise Wrong("`train` ends on a UTC date: the story's dates are IST, so convert with tz_convert(story.TIMEZONE) first.")
    if set(train.index) & set(test.index) or set(train.index) & set(valid.index):
        raise Wrong("some payments are in two parts: each payment belongs to exactly one of train, valid, test.")
    for name, part in parts.items():
        if len(part) and not part.index.isin(tx.index).all():
            raise Wrong(f"`{name}` has rows that are not in `tx`: filter `tx`, do not build new rows.")
        if not part.index.equals(expected[name]):
            days = periods.ist_dates(part["event_timestamp"])
            first, last = (days.min(), days.max()) if len(part) else (None, None)
            raise Wrong(
                f"`{name}` has {len(part):,} payments from {first} to {last}, but it should have "
                f"{len(expected[name]):,} (see story.TRAIN_END, VALID_END, TEST_END; dates are IST)."
            )
    return f"train {len(train):,}, valid {len(valid):,}, test {len(test):,} payments, in time order."


@exercise(
    "1.3",
    "the rules baseline",
    hint=(
        "Three yes/no rules, each 0 or 1, added into a score from 0 to 3: the device is not the "
        "customer's usual one, the payment is at night (IST), the amount is large.",
        "Map each payment's `customer_id` to its `usual_device_id` from `customers` (compare as strings);"
        " night is the IST hour in `story.NIGHT_HOURS_IST`; large is `amount_inr` at least "
        "`story.RULES_HIGH_AMOUNT_INR`. Turn each rule into 0/1 with `.astype(int)` before adding.",
    ),
)
def rules(func: Any, tx: pd.DataFrame, customers: pd.DataFrame) -> str:
    if func is None or not callable(func):
        raise Wrong("`rules_score` should be a function taking (df, customers).")
    sample = tx.iloc[:: max(1, len(tx) // 3000)]
    try:
        got = func(sample, customers)
    except Exception as err:  # the learner's code: report, don't crash
        raise Wrong(f"calling rules_score(df, customers) raised {type(err).__name__}: {err}") from None
    got = np.asarray(got, dtype=float)
    usual = sample["customer_id"].map(customers.set_index("customer_id")["usual_device_id"])
    parts = {
        "new device": (sample["device_id"].astype(str) != usual.astype(str)).to_numpy(),
        "night": periods.ist_hours(sample["event_timestamp"]).isin(story.NIGHT_HOURS_IST).to_numpy(),
        "high amount": (sample["amount_inr"] >= story.RULES_HIGH_AMOUNT_INR).to_numpy(),
    }
    truth = sum(p.astype(int) for p in parts.values())
    if got.shape != truth.shape:
        raise Wrong(f"rules_score returned {got.shape[0] if got.ndim else 'a single value'} scores for {len(sample)} payments.")
    if not np.array_equal(got, truth):
        for name, part in parts.items():
            if np.array_equal(got, truth - part):
                raise Wrong(f"the '{name}' rule is missing or never fires: check it against the hint.")
        utc_night = sample["event_timestamp"].dt.hour.isin(story.NIGHT_HOURS_IST).to_numpy()
        if np.array_equal(got, truth - parts["night"] + utc_night):
            raise Wrong("the night rule uses UTC hours: convert to IST first (exercise 1.1).")
        raise Wrong(f"{int((got != truth).sum())} of {len(truth)} scores differ from new device + night + high amount.")
    return "Three readable rules: the baseline every model must beat, in rupees."


@exercise(
    "1.4",
    "score the baseline in rupees",
    hint=(
        "The rupee metric needs the payments you score and one score per payment: score the test month, "
        "not the validation one.",
        "`metrics.rupee_value(payments, scores)` takes the payments (with labels, amounts and timestamps)"
        " and one score per payment. Pass `test` and `rules_score(test, customers)`.",
    ),
)
def baseline_value(result: Any, test: pd.DataFrame, scores: Any) -> str:
    require_type(result, metrics.RupeeResult, "`baseline_test`")
    truth = metrics.rupee_value(test, scores)
    if result.days != truth.days or result.frauds != truth.frauds:
        raise Wrong(
            f"this result covers {result.days} days and {result.frauds} frauds; the test period has "
            f"{truth.days} days and {truth.frauds} frauds: score `test`, not another part."
        )
    if result != truth:
        raise Wrong("the test period is right but the scores are not the rules baseline's: use rules_score(test, customers).")
    return f"The rules save \u20b9{truth.net_value_inr:,.0f} on the test month: the number lab 02's models must beat."
