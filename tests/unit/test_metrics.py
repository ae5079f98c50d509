"""The rupee metric: alerts under a daily budget, reviewed by the one review rule, valued at ledger amounts."""

import numpy as np
import pandas as pd
import pytest
from upi_kit import story

from mlops_course import metrics


def payments(days=2, per_day=200, fraud_every=50, amount=1000.0):
    ts = []
    for d in range(days):
        start = pd.Timestamp(f"2025-03-0{d + 1} 00:00", tz=story.TIMEZONE)
        ts += [start + pd.Timedelta(minutes=5 * i) for i in range(per_day)]
    n = len(ts)
    return pd.DataFrame({
        "event_timestamp": pd.DatetimeIndex(ts).tz_convert("UTC"),
        "amount_inr": np.full(n, amount),
        "ledger_amount_inr": np.full(n, amount),
        "is_fraud": (np.arange(n) % fraud_every == 0).astype("int8"),
    })


def test_daily_budget_is_a_share_of_the_day_with_at_least_one_alert():
    assert metrics.daily_budget(200, share=0.01) == 2
    assert metrics.daily_budget(20, share=0.01) == 1
    assert metrics.daily_budget(0) == 0
    assert metrics.daily_budget(1000, share=0.05) == 50
    assert metrics.daily_budget(1000) == round(1000 * story.ALERT_BUDGET_SHARE)


def test_a_perfect_model_catches_fraud_up_to_the_budget_and_raises_no_false_alarm():
    df = payments()  # 200 a day -> 2 alerts a day at a 1% share; 4 frauds a day
    r = metrics.rupee_value(df, df.is_fraud.to_numpy(), share=0.01)
    assert (r.alerts, r.true_alerts, r.false_alerts, r.frauds, r.days) == (4, 4, 0, 8, 2)
    assert r.fraud_caught_inr == 4000 and r.fraud_missed_inr == 4000
    assert r.net_value_inr == 4000 - 4 * story.REVIEW_COST_INR
    assert r.precision_at_budget == 1.0 and r.recall_at_budget == 0.5


def test_false_alarms_cost_review_and_friction():
    df = payments()
    scores = 1.0 - df.is_fraud.to_numpy()  # alerts on good customers only
    r = metrics.rupee_value(df, scores, share=0.01)
    assert (r.true_alerts, r.false_alerts) == (0, 4)
    assert r.net_value_inr == -4 * (story.REVIEW_COST_INR + story.FRICTION_COST_INR)


def test_budget_is_per_ist_day_not_utc_day():
    # 23:00 IST on 1 March and 01:00 IST on 2 March fall on the same UTC day but on two IST days.
    ts = pd.to_datetime(["2025-03-01 23:00", "2025-03-02 01:00"]).tz_localize(story.TIMEZONE).tz_convert("UTC")
    df = pd.DataFrame({"event_timestamp": ts, "ledger_amount_inr": [10.0, 20.0], "is_fraud": [1, 1]})
    assert metrics.alerts_under_budget(df.event_timestamp, [0.9, 0.8]).tolist() == [True, True]


def test_zero_scores_never_alert_and_ties_break_by_position():
    df = payments(days=1, per_day=200)
    assert not metrics.alerts_under_budget(df.event_timestamp, np.zeros(200)).any()
    mask = metrics.alerts_under_budget(df.event_timestamp, np.ones(200), share=0.01)
    assert np.flatnonzero(mask).tolist() == [0, 1]


def test_bad_input_is_explained():
    df = payments(days=1)
    with pytest.raises(ValueError, match="differ in length"):
        metrics.rupee_value(df, [1.0, 2.0])
    with pytest.raises(ValueError, match="contain NaN"):
        metrics.rupee_value(df, np.full(len(df), np.nan))
    with pytest.raises(ValueError, match="no column 'is_fraud'"):
        metrics.rupee_value(df.drop(columns="is_fraud"), np.ones(len(df)))


def test_result_flattens_for_logging():
    df = payments(days=1)
    d = metrics.rupee_value(df, df.is_fraud.to_numpy(), share=0.01).as_dict("test_")
    assert d["test_alerts"] == 2.0 and "test_net_value_inr" in d


def test_fraud_is_valued_at_the_ledger_amount_not_the_amount_the_app_sent():
    df = payments(days=1).assign(amount_inr=lambda d: d["ledger_amount_inr"] * 100)  # the paise week
    r = metrics.rupee_value(df, df.is_fraud.to_numpy(), share=0.01)
    assert r.fraud_caught_inr == 2 * 1000  # two reviewed frauds at their true ₹1,000, not ₹100,000
