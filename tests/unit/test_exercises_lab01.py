"""Lab 01's checks accept the right answers (in any correct variant) and name the common wrong ones.

The right answers are the reference project's modules (upi_fraud.timesplit, rules and alerts, exercises 1.2
to 1.4), so the checks are tested against exactly the files a learner's exercise cells write; the lab's
"not done yet" is the same file with its solution blocks stubbed out, as the generated lab leaves it.
"""

import inspect
import math

import numpy as np
import pandas as pd
import pytest
import reference_project
from upi_fraud import alerts, rules, rupees, timesplit
from upi_kit import data, story

from mlops_course import metrics, periods
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab01

#: exercise id -> (the reference file, the function its check is given)
SOLUTIONS = {"1.2": ("src/upi_fraud/timesplit.py", timesplit.split_by_time),
             "1.3": ("src/upi_fraud/rules.py", rules.rules_score),
             "1.4": ("src/upi_fraud/alerts.py", alerts.daily_alerts)}


@pytest.fixture(scope="module")
def upi():
    return data.load("ci")


def lab_stub(tmp_path, ex_id):
    """The exercise's function as the generated lab leaves it: its file with the solution stubbed out."""
    rel, func = SOLUTIONS[ex_id]
    return getattr(reference_project.lab_stub(tmp_path, rel), func.__name__)


@pytest.mark.parametrize("ex_id", list(SOLUTIONS))
def test_the_function_given_to_the_check_holds_the_exercise_solution_block(ex_id):
    rel, func = SOLUTIONS[ex_id]
    block = reference_project.block(rel, ex_id)
    assert block.lines and "\n".join(block.lines) in inspect.getsource(func)


# ---------------------------------------------------------------- 1.1


def test_the_ist_hours_pass(upi):
    lab01.hour_ist.check(periods.ist_hours(upi.transactions.event_timestamp), upi.transactions)


@pytest.mark.parametrize(("hours", "message"), [(lambda ts: ts.dt.hour, "these are UTC hours"),
                                                (lambda ts: ts.dt.hour[:10], "one hour per payment")],
                         ids=["utc", "too-few"])
def test_each_hour_mistake_is_named(upi, hours, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab01.hour_ist.check(hours(upi.transactions.event_timestamp), upi.transactions)


# ---------------------------------------------------------------- 1.2


def ist_day(tx):
    return tx["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date


def test_the_reference_split_passes(upi, capsys):
    lab01.time_split.check(timesplit.split_by_time, upi.transactions)
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("variant", ["reset_index", "sorted by amount", "copies", "txn_id as index"])
def test_split_right_variants(upi, variant, capsys):
    def split(tx):
        parts = timesplit.split_by_time(tx)
        if variant == "reset_index":
            return tuple(p.reset_index() for p in parts)
        if variant == "sorted by amount":
            return tuple(p.sort_values("amount_inr") for p in parts)
        if variant == "txn_id as index":
            return tuple(p.set_index("txn_id") for p in parts)
        return tuple(p.copy() for p in parts)

    lab01.time_split.check(split, upi.transactions)
    assert "correct" in capsys.readouterr().out


def by_dates(day, train_end=story.TRAIN_END, valid_starts_after=True, test_end=story.TEST_END):
    def split(tx):
        d = day(tx)
        after_train = (d > story.TRAIN_END) if valid_starts_after else (d >= story.TRAIN_END)
        return (tx[d <= train_end], tx[after_train & (d <= story.VALID_END)],
                tx[(d > story.VALID_END) & (d <= test_end)])
    return split


@pytest.mark.parametrize(
    ("split", "message"),
    [
        (by_dates(lambda tx: tx["event_timestamp"].dt.date), "you split by UTC date: a payment at 20:00 UTC on 30 June"),
        (by_dates(ist_day, valid_starts_after=False), "is in both `train` and `valid`: the periods overlap"),
        (by_dates(ist_day, train_end=story.TRAIN_END - pd.Timedelta(days=1)),
         r"is in no part, but belongs to `train` \(a gap: the end dates are inclusive\)"),
        (by_dates(ist_day, test_end=story.LAST_DAY), r"is in `test`, but it is production \(after story.TEST_END\)"),
        (lambda tx: {"train": tx}, "should return three DataFrames"),
        (lambda tx: tuple(p[["txn_id"]] for p in by_dates(ist_day)(tx)), "lost columns"),
        (lambda tx: (tx, tx, tx), "in both `train` and `valid`"),
    ],
    ids=["utc-dates", "overlap", "gap", "production-in-test", "dict", "lost-columns", "whole-frame"],
)
def test_split_wrong(upi, split, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab01.time_split.check(split, upi.transactions)


def test_the_lab_stub_of_the_split_is_not_done(upi, tmp_path):
    with pytest.raises(ExerciseNotDone, match="1.2"):
        lab01.time_split.check(lab_stub(tmp_path, "1.2"), upi.transactions)


# ---------------------------------------------------------------- 1.3


def test_the_reference_rules_pass(upi, capsys):
    lab01.rules.check(rules.rules_score, upi.transactions, upi.customers)
    assert "correct" in capsys.readouterr().out


def test_rules_right_as_a_merge_returning_numpy(upi, capsys):
    def merged(df, customers):
        joined = df[["customer_id", "device_id"]].astype(str).merge(
            customers[["customer_id", "usual_device_id"]], on="customer_id", how="left")
        hour = df["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.hour.to_numpy()
        return ((joined["device_id"] != joined["usual_device_id"]).to_numpy().astype(int)
                + (hour < 5) + (df["amount_inr"].to_numpy() >= story.RULES_HIGH_AMOUNT_INR))

    lab01.rules.check(merged, upi.transactions, upi.customers)
    assert "correct" in capsys.readouterr().out


def rules_with(*, utc=False, strict_amount=False, any_rule=False, night_until=4, drop=None, raw_ids=False):
    def score(df, customers):
        usual = df["customer_id"].map(customers.set_index("customer_id")["usual_device_id"])
        new_device = (df["device_id"] != usual) if raw_ids else (df["device_id"].astype(str) != usual.astype(str))
        ts = df["event_timestamp"] if utc else df["event_timestamp"].dt.tz_convert(story.TIMEZONE)
        parts = {"device": new_device, "night": ts.dt.hour <= night_until,
                 "amount": (df["amount_inr"] > story.RULES_HIGH_AMOUNT_INR) if strict_amount
                 else (df["amount_inr"] >= story.RULES_HIGH_AMOUNT_INR)}
        total = sum(p.astype(int) for name, p in parts.items() if name != drop)
        return (total > 0).astype(int) if any_rule else total
    return score


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"utc": True}, "the night rule uses UTC hours"),
        ({"strict_amount": True}, "a payment of exactly ₹10,000 is large: use >="),
        ({"any_rule": True}, "whether any rule fires; it should count them"),
        ({"drop": "night"}, "the 'night' rule is missing"),
        ({"night_until": 5}, r"a payment at 05:00 IST .* should score 0 \(night is story.NIGHT_HOURS_IST\)"),
        ({"raw_ids": True}, "compare the ids as strings"),
    ],
    ids=["utc-night", "strict-amount", "any-rule", "no-night", "night-until-5", "categoricals"],
)
def test_rules_wrong(upi, options, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab01.rules.check(rules_with(**options), upi.transactions, upi.customers)


def test_rules_that_are_not_a_function_are_named(upi):
    with pytest.raises(ExerciseIncorrect, match="should be a function"):
        lab01.rules.check(None, upi.transactions, upi.customers)


def test_the_lab_stub_of_the_rules_is_not_done(upi, tmp_path):
    with pytest.raises(ExerciseNotDone, match="1.3"):
        lab01.rules.check(lab_stub(tmp_path, "1.3"), upi.transactions, upi.customers)


# ---------------------------------------------------------------- 1.4


def test_the_reference_alerts_pass(upi, capsys):
    lab01.daily_alerts.check(alerts.daily_alerts, upi.transactions)
    assert "correct" in capsys.readouterr().out


def loop_alerts(timestamps, scores, share=story.ALERT_BUDGET_SHARE, **mistake):
    """A day-by-day loop, as a learner might write it; each `mistake` option is one typical mistake:
    tz (days in another time zone), budget (another formula), zero_alerts, later_first, whole_period,
    default_share (ignores `share`)."""
    share = story.ALERT_BUDGET_SHARE if mistake.get("default_share") else share
    day = pd.Series(pd.to_datetime(timestamps, utc=True)).dt.tz_convert(mistake.get("tz", story.TIMEZONE))
    day = np.zeros(len(day)) if mistake.get("whole_period") else day.dt.date.to_numpy()
    budget = mistake.get("budget") or (lambda k: max(1, math.floor(k * share + 0.5)))
    s = np.asarray(scores, dtype=float)
    alerts = np.zeros(len(s), dtype=bool)
    for d in pd.unique(day):
        rows = np.flatnonzero(day == d)
        if mistake.get("later_first"):
            order = np.argsort(s[rows], kind="stable")[::-1]
        else:
            order = np.argsort(-s[rows], kind="stable")
        top = rows[order][: budget(len(rows))]
        alerts[top if mistake.get("zero_alerts") else top[s[top] > 0]] = True
    return alerts


def test_alerts_right_as_a_loop_returning_a_series(upi, capsys):
    lab01.daily_alerts.check(lambda ts, s, share=story.ALERT_BUDGET_SHARE: pd.Series(loop_alerts(ts, s, share)),
                             upi.transactions)
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tz": "UTC"}, "your days are UTC days: a payment at 20:00 UTC on 30 June is 01:30 IST on 1 July"),
        ({"zero_alerts": True}, "payments with score 0 raised alerts: the budget is a ceiling, not a quota"),
        ({"later_first": True}, "among equal scores you alerted the later rows; ties go to earlier rows"),
        ({"budget": lambda n: int(n * 0.1)}, r"round half up, floor\(n × share \+ 0.5\), not int\(n × share\)"),
        ({"budget": lambda n: math.floor(n * 0.1 + 0.5)}, r"you rounded to 0; .* at least one review: max\(1, ...\)"),
        ({"whole_period": True}, "the budget is per IST day"),
        ({"default_share": True}, "your function used the default share: use its `share` argument"),
    ],
    ids=["utc-days", "quota", "ties-later-first", "truncated-budget", "budget-rounds-to-0", "whole-period", "ignores-share"],
)
def test_alerts_wrong(upi, options, message):
    def learner(ts, s, share=story.ALERT_BUDGET_SHARE):
        return loop_alerts(ts, s, share, **options)

    with pytest.raises(ExerciseIncorrect, match=message):
        lab01.daily_alerts.check(learner, upi.transactions)


def test_alerts_ties_by_another_order_are_named(upi):
    def by_minute(ts, s, share=story.ALERT_BUDGET_SHARE):  # ties broken by something other than position
        jitter = (pd.Series(pd.to_datetime(ts, utc=True)).dt.minute.to_numpy() * 7 % 13) * 1e-6
        return loop_alerts(ts, np.asarray(s, dtype=float) + jitter * (np.asarray(s) > 0), share)

    with pytest.raises(ExerciseIncorrect, match="among equal scores you picked other rows"):
        lab01.daily_alerts.check(by_minute, upi.transactions)


@pytest.mark.parametrize(
    ("learner", "message"),
    [(lambda ts, s, share=0.01: np.flatnonzero(loop_alerts(ts, s, share)), "not the alerted rows or their positions"),
     (lambda ts, s, share=0.01: np.asarray(s, dtype=float) * 7, "True/False per payment")],
    ids=["positions", "scores"],
)
def test_alerts_positions_or_scores_are_not_a_mask(upi, learner, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab01.daily_alerts.check(learner, upi.transactions)


def test_the_lab_stub_of_the_alerts_is_not_done(upi, tmp_path):
    with pytest.raises(ExerciseNotDone, match="1.4"):
        lab01.daily_alerts.check(lab_stub(tmp_path, "1.4"), upi.transactions)


# ---------------------------------------------------------------- the given rupees.py, on the reference alerts


def test_the_project_metric_equals_the_course_reference(upi):
    valid = periods.reference_split(upi.transactions)["valid"]
    scores = rules.rules_score(valid, upi.customers)
    got = rupees.rupee_value(valid, scores).as_dict()
    assert got == metrics.rupee_value(valid, scores).as_dict()
    assert all(isinstance(v, float) for v in got.values())


def test_recall_by_typology_leaves_out_typologies_without_frauds(upi):
    valid = periods.reference_split(upi.transactions)["valid"]
    scores = valid.is_fraud.to_numpy()  # a perfect model: every fraud it can afford to review is caught
    recall = rupees.recall_by_typology(valid, scores)
    assert set(recall) == set(valid.loc[valid.is_fraud == 1, "fraud_type"].astype(str))
    alerts_ = metrics.alerts_under_budget(valid.event_timestamp, scores)
    fraud = valid.is_fraud.to_numpy() == 1
    for kind, value in recall.items():
        assert value == pytest.approx(alerts_[fraud & (valid.fraud_type.astype(str).to_numpy() == kind)].mean())
