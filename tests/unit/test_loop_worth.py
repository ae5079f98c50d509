"""What the loop is worth (upi_fraud.loop.valuation): per-day values that add up to the review rule's, a bootstrap that
resamples days, the time to mitigate against the oracle; and the arms' schedules (upi_fraud.loop.arms). Crafted
frames, so every expected number is worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from upi_fraud.loop import arms, valuation
from upi_kit import metrics, story


def frame(days=14, per_day=500, scam_from=3, caught_from=None, seed=0):
    """Payments over `days` IST days from 1 Oct: every 50th a fraud (every 100th a new-scam one from day `scam_from`);
    an alert on every old-type fraud, and on the new scam's from day `caught_from`: 10 a day at most, all reviewed
    (the day's budget is 2% of 500)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(days):
        start = pd.Timestamp(date(2025, 10, 1), tz=story.TIMEZONE) + pd.Timedelta(days=d)
        for i in range(per_day):
            fraud = i % 50 == 0
            scam = fraud and i % 100 == 0 and d >= scam_from
            caught = fraud and (not scam or (caught_from is not None and d >= caught_from))
            rows.append({"event_timestamp": (start + pd.Timedelta(minutes=2 * i)).tz_convert("UTC"),
                         "alert": caught, "is_fraud": fraud, "fraud_type": "new_scam" if scam else
                         ("collect_scam" if fraud else "none"), metrics.LEDGER: float(rng.integers(500, 5000))})
    out = pd.DataFrame(rows)
    return out.assign(reviewed=metrics.reviewed(out["event_timestamp"], out["alert"]))


def test_daily_net_values_add_up_to_the_review_rules_value_of_the_whole_period():
    f = frame()
    days = valuation.daily(f)
    assert len(days) == 14
    assert days["net_inr"].sum() == pytest.approx(valuation.value(f)["net_inr"])
    assert days["scam_cases"].tolist() == [0, 0, 0] + [5] * 11 and days["scam_caught"].sum() == 0


def test_the_bootstrap_resamples_days_a_steady_gain_is_certain_a_one_day_gain_is_not():
    index = [date(2025, 10, d) for d in range(1, 15)]
    weeks = pd.Series([date(2025, 9, 29)] * 5 + [date(2025, 10, 6)] * 7 + [date(2025, 10, 13)] * 2, index=index)
    steady = valuation.bootstrap(pd.Series(100.0, index=index), weeks)
    assert steady["gain_inr"].tolist() == [500.0, 1200.0, 1400.0]
    assert steady.iloc[-1]["low_inr"] == steady.iloc[-1]["high_inr"] == 1400.0  # every day gives the same: no doubt
    lumpy = valuation.bootstrap(pd.Series([1400.0] + [0.0] * 13, index=index), weeks)
    assert lumpy.iloc[-1]["gain_inr"] == 1400.0 and lumpy.iloc[-1]["low_inr"] == 0.0  # one good day may be left out
    assert (lumpy["low_inr"] <= lumpy["gain_inr"]).all() and (lumpy["gain_inr"] <= lumpy["high_inr"]).all()
    again = valuation.bootstrap(pd.Series([1400.0] + [0.0] * 13, index=index), weeks)
    pd.testing.assert_frame_equal(lumpy, again)  # seeded: the same band every run


def test_time_to_mitigate_counts_days_from_the_first_scam_payment_to_half_the_oracles_recall():
    oracle = valuation.daily(frame(caught_from=4))
    late = valuation.daily(frame(caught_from=8))
    never = valuation.daily(frame())
    days = valuation.time_to_mitigate({"oracle": oracle, "late": late, "frozen": never}, date(2025, 10, 4))
    # The new scam starts on 4 Oct. The oracle catches it from 5 Oct: that day its trailing-7-day recall is 5/10,
    # its own half: 1 day. The late arm catches from 9 Oct: 10 Oct 10/35 (oracle 30/35), 11 Oct 15/35 (oracle
    # 35/35), 12 Oct 20/35 >= half of 35/35: 8 days.
    assert days == {"oracle": 1, "late": 8, "frozen": None}


def test_compare_gives_four_arms_their_gain_with_an_interval_and_the_loops_share_of_the_oracle(monkeypatch):
    base = frame()
    decisions = {name: frame(caught_from=c)[["event_timestamp", "alert"]]
                 for name, c in (("frozen", None), ("loop", 7), ("no_quarantine", 8), ("oracle", 4))}
    truth = base[["is_fraud", "fraud_type", metrics.LEDGER]].assign(txn_id=[f"t{i}" for i in range(len(base))])
    upi = type("UPI", (), {"transactions": truth})()
    out, weekly = valuation.compare(upi, {k: v.assign(txn_id=truth["txn_id"]) for k, v in decisions.items()})
    assert set(out["arms"]) == {"frozen", "loop", "no_quarantine", "oracle"}
    assert 0 < out["gain"]["loop"]["gain_inr"] < out["gain"]["oracle"]["gain_inr"]
    assert out["share_of_oracle"] == pytest.approx(out["gain"]["loop"]["gain_inr"] / out["gain"]["oracle"]["gain_inr"],
                                                   abs=1e-4)
    assert out["days_to_mitigate"]["frozen"] is None and out["days_to_mitigate"]["oracle"] == 1
    assert out["new_scam_first_day"] == "2025-10-04"
    assert list(weekly.columns.get_level_values(0).unique()) == ["loop", "no_quarantine", "oracle"]


def test_the_oracle_retrains_every_monday_and_the_no_quarantine_arm_follows_the_loops_promotions():
    mondays = [pd.Timestamp(f"2025-09-{d:02d}", tz=story.TIMEZONE) for d in (1, 8, 15)]
    assert arms.oracle_schedule(mondays) == [arms.Retrain(m, m) for m in mondays[1:]]
    record = {"changes": [{"at": "2025-09-01T00:00:00+05:30", "version": "3"},
                          {"at": "2025-11-03T00:00:00+05:30", "version": "6"}],
              "weeks": [{"week": "2025-10-20", "ct": {"version": "6", "as_of": "2025-10-27T00:00:00+05:30"}}]}
    assert arms.loop_schedule(record) == [arms.Retrain(pd.Timestamp("2025-11-03T00:00:00+05:30"),
                                                       pd.Timestamp("2025-10-27T00:00:00+05:30"))]
