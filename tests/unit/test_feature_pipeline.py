"""The feature pipeline the learner's project is given in lab 03 (upi_fraud.feature_pipeline): no leakage, exact windows.

The module under test is the reference project's, the file lab 03 copies into a learner's project, so these tests
check exactly the code a learner runs.
"""

import numpy as np
import pandas as pd
import pytest
from upi_fraud import feature_pipeline as fp

HOUR = pd.Timedelta(hours=1)


def payments(rows):
    """rows: (customer, payee, device, time, amount)."""
    df = pd.DataFrame(rows, columns=["customer_id", "payee_id", "device_id", "event_timestamp", "amount_inr"])
    df["event_timestamp"] = pd.to_datetime(df["event_timestamp"], utc=True)
    return df


DEVICES = pd.DataFrame({"device_id": ["D1", "D2"],
                        "first_seen_at": pd.to_datetime(["2025-01-01 00:00", "2025-03-01 12:00"], utc=True)})


def brute_force(tx, devices):
    t = tx["event_timestamp"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    cust, payee = tx["customer_id"].to_numpy(), tx["payee_id"].to_numpy()
    amt = tx["amount_inr"].to_numpy(float)
    rows = []
    for i in range(len(tx)):
        row = {}
        for name, w in {"1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000}.items():
            m = (cust == cust[i]) & (t < t[i]) & (t > t[i] - w)
            row[f"cust_txn_{name}"], row[f"cust_amt_{name}"] = float(m.sum()), float(amt[m].sum())
        m = (payee == payee[i]) & (t < t[i]) & (t > t[i] - 86_400_000)
        row["payee_payers_24h"] = float(len(set(cust[m])))
        row["new_payee"] = float(not ((cust == cust[i]) & (payee == payee[i]) & (t < t[i])).any())
        rows.append(row)
    return pd.DataFrame(rows)


def test_the_worked_example_of_the_lab():
    tx = payments([("A", "P", "D1", "2025-03-01 10:00", 100), ("A", "P", "D1", "2025-03-01 11:00", 100),
                   ("A", "P", "D1", "2025-03-02 10:00", 100), ("A", "P", "D1", "2025-03-02 16:00", 100),
                   ("A", "P", "D1", "2025-03-02 16:00", 100)])
    f = fp.point_in_time_features(tx, DEVICES)
    assert f["cust_txn_24h"].tolist() == [0, 1, 1, 1, 1]
    assert f["new_payee"].tolist() == [1, 0, 0, 0, 0]


def test_windows_are_open_at_both_ends():
    t0 = pd.Timestamp("2025-03-01 10:00", tz="UTC")
    tx = payments([("A", "P", "D1", t0, 10), ("A", "Q", "D1", t0 + HOUR, 20),                # exactly 1 h later
                   ("A", "Q", "D1", t0 + HOUR + pd.Timedelta("1s"), 30),                      # 1 h 1 s later
                   ("A", "R", "D1", t0 + 2 * HOUR - pd.Timedelta("1s"), 40)])
    f = fp.point_in_time_features(tx, DEVICES)
    assert f["cust_txn_1h"].tolist() == [0, 0, 1, 2]     # the event exactly 1 h back is outside
    assert f["cust_amt_1h"].tolist() == [0, 0, 20, 50]


def test_a_payment_never_sees_itself_or_its_same_instant_twin():
    t0 = pd.Timestamp("2025-03-01 10:00", tz="UTC")
    tx = payments([("A", "P", "D1", t0, 10), ("A", "P", "D1", t0, 10), ("B", "P", "D1", t0, 5)])
    f = fp.point_in_time_features(tx, DEVICES)
    assert f["cust_txn_1h"].tolist() == [0, 0, 0]
    assert f["payee_payers_24h"].tolist() == [0, 0, 0]
    assert f["new_payee"].tolist() == [1, 1, 1]


def test_distinct_payers_count_each_payer_once():
    t0 = pd.Timestamp("2025-03-01 00:00", tz="UTC")
    tx = payments([("A", "M", "D1", t0, 1), ("A", "M", "D1", t0 + HOUR, 1), ("B", "M", "D1", t0 + 2 * HOUR, 1),
                   ("C", "M", "D1", t0 + 24.5 * HOUR, 1), ("D", "M", "D1", t0 + 25 * HOUR, 1)])
    f = fp.point_in_time_features(tx, DEVICES)
    # at 24:30, A (01:00) and B (02:00) count once each; at 25:00, A's 01:00 is exactly 24 h back: B and C only
    assert f["payee_payers_24h"].tolist() == [0, 1, 1, 2, 2]


def test_device_age_is_missing_before_the_device_is_seen():
    tx = payments([("A", "P", "D2", "2025-03-01 11:00", 1), ("A", "P", "D2", "2025-03-02 12:00", 1)])
    f = fp.point_in_time_features(tx, DEVICES)
    assert np.isnan(f["device_age_days"].iloc[0]) and f["device_age_days"].iloc[1] == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_random_histories_match_a_brute_force_point_in_time_truth(seed):
    rng = np.random.default_rng(seed)
    n = 300
    start = pd.Timestamp("2025-03-01", tz="UTC")
    # Whole minutes over 10 days, so that ties and exact window edges happen.
    times = start + pd.to_timedelta(rng.integers(0, 10 * 24 * 60, n), unit="min")
    tx = payments(list(zip(rng.choice(list("ABCDE"), n), rng.choice(list("PQRS"), n), ["D1"] * n, times,
                           rng.integers(1, 1000, n).astype(float), strict=True)))
    got = fp.point_in_time_features(tx, DEVICES)
    want = brute_force(tx, DEVICES)
    for col in want.columns:
        assert np.allclose(got[col].to_numpy(), want[col].to_numpy()), col


def test_changing_the_future_never_changes_the_past():
    rng = np.random.default_rng(7)
    n = 400
    times = pd.Timestamp("2025-03-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 5 * 24 * 60, n), unit="min")
    tx = payments(list(zip(rng.choice(list("ABC"), n), rng.choice(list("PQ"), n), ["D1"] * n, times,
                           rng.integers(1, 1000, n).astype(float), strict=True)))
    cut = pd.Timestamp("2025-03-03", tz="UTC")
    future = tx["event_timestamp"] >= cut
    changed = tx.copy()
    changed.loc[future, "amount_inr"] *= 100
    changed.loc[future, "customer_id"] = "A"
    extra = payments([("A", "P", "D1", cut + HOUR, 5.0)] * 20)
    changed = pd.concat([changed, extra], ignore_index=True)
    before = fp.point_in_time_features(tx, DEVICES)[~future]
    after = fp.point_in_time_features(changed, DEVICES).loc[before.index]
    pd.testing.assert_frame_equal(before, after)


def test_state_rows_come_after_their_event_and_hold_only_the_window():
    t0 = pd.Timestamp("2025-03-01 10:00", tz="UTC")
    tx = payments([("A", "P", "D1", t0, 10), ("A", "P", "D1", t0 + 2 * pd.Timedelta(days=4), 20),
                   ("A", "Q", "D1", t0 + pd.Timedelta(days=9), 30)])
    tx["txn_id"] = ["T1", "T2", "T3"]
    src = fp.feature_store_sources(tx, DEVICES)
    cust = src["customer_recent"].sort_values("event_timestamp")
    assert (cust["event_timestamp"].to_numpy() > tx["event_timestamp"].to_numpy()).all()
    assert [len(x) for x in cust["cust_recent_ts"]] == [1, 1, 2]  # day 0 | day 8 (day 0 expired) | days 8 and 9
    pairs = src["customer_payee"].set_index("payee_id")
    assert pairs.loc["P", "first_payment_ts"] == t0.timestamp()
