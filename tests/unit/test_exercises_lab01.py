"""Lab 01's checks accept the right answers and explain the common wrong ones."""

import pytest

from mlops_course import data, metrics, periods, story
from mlops_course.checks import ExerciseIncorrect
from mlops_course.exercises import lab01


@pytest.fixture(scope="module")
def upi():
    return data.load("ci")


@pytest.fixture(scope="module")
def split(upi):
    tx = upi.transactions
    day = periods.ist_dates(tx["event_timestamp"])
    return (tx[day <= story.TRAIN_END], tx[(day > story.TRAIN_END) & (day <= story.VALID_END)],
            tx[(day > story.VALID_END) & (day <= story.TEST_END)])


def right_rules(df, customers):
    usual = df["customer_id"].map(customers.set_index("customer_id")["usual_device_id"])
    return ((df["device_id"].astype(str) != usual.astype(str)).astype(int)
            + periods.ist_hours(df["event_timestamp"]).isin(story.NIGHT_HOURS_IST).astype(int)
            + (df["amount_inr"] >= story.RULES_HIGH_AMOUNT_INR).astype(int))


def test_hour_ist(upi):
    tx = upi.transactions
    lab01.hour_ist.check(periods.ist_hours(tx.event_timestamp), tx)
    with pytest.raises(ExerciseIncorrect, match="these are UTC hours"):
        lab01.hour_ist.check(tx.event_timestamp.dt.hour, tx)
    with pytest.raises(ExerciseIncorrect, match="one hour per payment"):
        lab01.hour_ist.check(tx.event_timestamp.dt.hour[:10], tx)


def test_time_split(upi, split):
    tx = upi.transactions
    lab01.time_split.check(*split, tx)
    train, valid, test = split
    utc_day = tx.event_timestamp.dt.date
    with pytest.raises(ExerciseIncorrect, match="ends on a UTC date"):
        lab01.time_split.check(tx[utc_day <= story.TRAIN_END], valid, test, tx)
    with pytest.raises(ExerciseIncorrect, match="in two parts"):
        lab01.time_split.check(tx, valid, test, tx)
    with pytest.raises(ExerciseIncorrect, match="still None"):
        lab01.time_split.check(None, valid, test, tx)


def test_rules(upi):
    tx, customers = upi.transactions, upi.customers
    lab01.rules.check(right_rules, tx, customers)

    def no_night(df, c):
        return right_rules(df, c) - periods.ist_hours(df["event_timestamp"]).isin(story.NIGHT_HOURS_IST).astype(int)

    def utc_night(df, c):
        return no_night(df, c) + df["event_timestamp"].dt.hour.isin(story.NIGHT_HOURS_IST).astype(int)

    with pytest.raises(ExerciseIncorrect, match="'night' rule is missing"):
        lab01.rules.check(no_night, tx, customers)
    with pytest.raises(ExerciseIncorrect, match="uses UTC hours"):
        lab01.rules.check(utc_night, tx, customers)
    with pytest.raises(ExerciseIncorrect, match="raised KeyError"):
        lab01.rules.check(lambda df, c: df["nope"], tx, customers)
    with pytest.raises(ExerciseIncorrect, match="should be a function"):
        lab01.rules.check(None, tx, customers)


def test_baseline_value(upi, split):
    _, valid, test = split
    scores = right_rules(test, upi.customers)
    lab01.baseline_value.check(metrics.rupee_value(test, scores), test, scores)
    with pytest.raises(ExerciseIncorrect, match="score `test`, not another part"):
        lab01.baseline_value.check(metrics.rupee_value(valid, right_rules(valid, upi.customers)), test, scores)
    with pytest.raises(ExerciseIncorrect, match="not the rules baseline"):
        lab01.baseline_value.check(metrics.rupee_value(test, test.amount_inr), test, scores)
