"""Feature pipeline: behaviour over time, with no look into the future (given in lab 03).

Two products from the same raw payments:

* point_in_time_features(tx, devices): for every payment, what was known just
  before it (windows are half-open, (t - w, t): the payment itself and any
  payment at the same instant are excluded). This is the training truth.
* feature_store_sources(tx, devices): per-entity state rows for Feast. Each row
  holds the window's *contents* just after an event (its timestamps, amounts,
  payers), stamped 1 ms after the event so that a payment never sees its own
  row. The on-demand feature view aggregates them at request time, so serving
  computes exactly what training saw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WINDOWS = {"1h": 3_600, "24h": 86_400, "7d": 7 * 86_400}  # seconds
AVAILABLE_AFTER = pd.Timedelta("1ms")
FEATURES = ["cust_txn_1h", "cust_txn_24h", "cust_txn_7d", "cust_amt_1h", "cust_amt_24h", "cust_amt_7d",
            "payee_payers_24h", "amount_vs_7d_avg", "device_age_days", "new_payee"]


def seconds(ts: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """UTC timestamps as float seconds since the epoch (exact: the data has whole seconds)."""
    return millis(ts) / 1000.0


def millis(ts: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """UTC timestamps as int64 milliseconds since the epoch."""
    return ts.to_numpy(dtype="datetime64[ms]").astype(np.int64)


def _codes(s: pd.Series | np.ndarray) -> np.ndarray:
    """Each value as an int64 code (equal values, equal codes)."""
    return pd.factorize(pd.Series(s).astype(str))[0].astype(np.int64)


def _keyed(key: np.ndarray, t_ms: np.ndarray) -> np.ndarray:
    """A sortable int64 per event: key first, then time (exact integer arithmetic)."""
    span = int(t_ms.max() - t_ms.min()) + 4 * WINDOWS["7d"] * 1000 + 10
    return key * span + (t_ms - t_ms.min())


def window_count_sum(key: np.ndarray, t_ms: np.ndarray, amounts: np.ndarray,
                     w: int) -> tuple[np.ndarray, np.ndarray]:
    """Count and sum of `amounts` (rupees) over the same key's events in (t - w, t), w in seconds.

    Sums run in whole paise (int64), so they are exact: a running float sum over a
    year would leave rounding dust that the serving side would not reproduce.
    """
    comp = _keyed(key, t_ms)
    order = np.argsort(comp, kind="stable")
    sorted_comp = comp[order]
    paise = np.concatenate([[0], np.cumsum(np.round(np.asarray(amounts, float)[order] * 100).astype(np.int64))])
    lo = np.searchsorted(sorted_comp, comp - w * 1000, side="right")  # events after t - w
    hi = np.searchsorted(sorted_comp, comp, side="left")               # events before t
    return (hi - lo).astype(float), (paise[hi] - paise[lo]) / 100


def window_distinct(key: np.ndarray, other: pd.Series | np.ndarray, t_ms: np.ndarray, w: int) -> np.ndarray:
    """Distinct `other` values among the same key's events in (t - w, t).

    Count each (key, other) pair once, by its earliest event inside the window:
    event j (time s, previous event of its pair p) is that event for a payment at
    q exactly when max(s + 1 ms, p + w) <= q < s + w. Two sorted searches count
    the intervals that contain q.
    """
    w_ms = w * 1000
    pair = _codes(pd.Series(key).astype(str) + "|" + pd.Series(other).astype(str))
    porder = np.lexsort((t_ms, pair))
    prev = np.full(len(t_ms), np.iinfo(np.int64).min // 4, dtype=np.int64)
    same = pair[porder][1:] == pair[porder][:-1]
    prev[porder[1:]] = np.where(same, t_ms[porder][:-1], prev[porder[1:]])
    start, end = np.maximum(t_ms + 1, prev + w_ms), t_ms + w_ms
    keep = start < end                                   # drops same-instant repeats of a pair
    span = int(t_ms.max() - t_ms.min()) + 4 * WINDOWS["7d"] * 1000 + 10
    base = key * span - t_ms.min()
    starts, ends = np.sort((base + start)[keep]), np.sort((base + end)[keep])
    q = base + t_ms
    return (np.searchsorted(starts, q, "right") - np.searchsorted(ends, q, "right")).astype(float)


def point_in_time_features(tx: pd.DataFrame, devices: pd.DataFrame) -> pd.DataFrame:
    """One row per payment (same index as tx): behaviour known strictly before it."""
    t_ms = millis(tx["event_timestamp"])
    t = t_ms / 1000.0
    cust, payee = _codes(tx["customer_id"]), _codes(tx["payee_id"])
    amount = tx["amount_inr"].to_numpy(float)
    out = pd.DataFrame(index=tx.index)
    for name, w in WINDOWS.items():
        out[f"cust_txn_{name}"], out[f"cust_amt_{name}"] = window_count_sum(cust, t_ms, amount, w)
    out["payee_payers_24h"] = window_distinct(payee, cust, t_ms, WINDOWS["24h"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["amount_vs_7d_avg"] = np.where(out["cust_txn_7d"] > 0, amount / (out["cust_amt_7d"] / out["cust_txn_7d"]), np.nan)
    first_seen = tx["device_id"].astype(str).map(devices.set_index(devices["device_id"].astype(str))["first_seen_at"])
    age = (t - seconds(first_seen)) / 86_400
    out["device_age_days"] = np.where(age >= 0, age, np.nan)  # a device not seen yet has no age
    first_pair = tx.groupby([tx["customer_id"].astype(str), tx["payee_id"].astype(str)])["event_timestamp"].transform("min")
    out["new_payee"] = (seconds(first_pair) >= t).astype(float)
    return out[FEATURES]


def _window_lists(key: np.ndarray, t_ms: np.ndarray, w: int,
                  columns: dict[str, np.ndarray]) -> dict[str, pd.Series]:
    """For each event: the same key's events in (t - w, t] (this one included), as lists."""
    import pyarrow as pa

    full = _keyed(key, t_ms)
    order = np.argsort(full, kind="stable")
    comp = full[order]
    lo = np.searchsorted(comp, comp - w * 1000, side="right")
    hi = np.searchsorted(comp, comp, side="right")
    n = hi - lo
    offsets = np.concatenate([[0], np.cumsum(n)])
    flat = np.repeat(lo - offsets[:-1], n) + np.arange(offsets[-1])
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    lists = {}
    for name, values in columns.items():
        arr = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), pa.array(values[order][flat]))
        lists[name] = pd.Series(pd.arrays.ArrowExtensionArray(arr.take(pa.array(back))))
    return lists


def feature_store_sources(tx: pd.DataFrame, devices: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The Feast source tables: per-entity state just after each event, stamped 1 ms later."""
    t_ms = millis(tx["event_timestamp"])
    t = t_ms / 1000.0
    cust_id, payee_id = tx["customer_id"].astype(str), tx["payee_id"].astype(str)
    stamp = (tx["event_timestamp"] + AVAILABLE_AFTER).reset_index(drop=True)
    customer = pd.DataFrame({"customer_id": cust_id.to_numpy(), "event_timestamp": stamp, **_window_lists(
        _codes(cust_id), t_ms, WINDOWS["7d"], {"cust_recent_ts": t, "cust_recent_amount": tx["amount_inr"].to_numpy(float)})})
    payee = pd.DataFrame({"payee_id": payee_id.to_numpy(), "event_timestamp": stamp, **_window_lists(
        _codes(payee_id), t_ms, WINDOWS["24h"], {"payee_recent_ts": t, "payee_recent_payer": cust_id.to_numpy()})})
    pairs = (pd.DataFrame({"customer_id": cust_id, "payee_id": payee_id, "event_timestamp": tx["event_timestamp"]})
             .groupby(["customer_id", "payee_id"])["event_timestamp"].min().reset_index())
    pairs["first_payment_ts"] = seconds(pairs["event_timestamp"])
    pairs["event_timestamp"] = pairs["event_timestamp"] + AVAILABLE_AFTER
    device = pd.DataFrame({"device_id": devices["device_id"].astype(str),
                           "event_timestamp": devices["first_seen_at"],
                           "first_seen_ts": seconds(devices["first_seen_at"])})
    return {
        "customer_recent": customer.drop_duplicates(["customer_id", "event_timestamp"], keep="last"),
        "payee_recent": payee.drop_duplicates(["payee_id", "event_timestamp"], keep="last"),
        "customer_payee": pairs,
        "device": device,
    }


def entity_rows(tx: pd.DataFrame) -> pd.DataFrame:
    """What a training set (or a live request) starts from: the keys, the time, and the request data."""
    return pd.DataFrame({
        "txn_id": tx["txn_id"].astype(str).to_numpy(),
        "customer_id": tx["customer_id"].astype(str).to_numpy(),
        "payee_id": tx["payee_id"].astype(str).to_numpy(),
        "device_id": tx["device_id"].astype(str).to_numpy(),
        "event_timestamp": tx["event_timestamp"].to_numpy(),
        "amount_inr": tx["amount_inr"].to_numpy(float),
        "txn_ts": seconds(tx["event_timestamp"]),
    })
