"""Lab 03's hidden truth: crafted cases with one trap each, and reference answers the checks compare with.

Written independently of the lab's feature_pipeline.py (brute force, per row), so a check never compares
the learner's code with the code it is meant to reproduce.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

FEATURES = ["cust_txn_1h", "cust_txn_24h", "cust_txn_7d", "cust_amt_1h", "cust_amt_24h", "cust_amt_7d",
            "payee_payers_24h", "amount_vs_7d_avg", "device_age_days", "new_payee"]
DAY = 86_400.0
WINDOWS = {"1h": 3_600.0, "24h": DAY, "7d": 7 * DAY}
INPUTS = ["txn_ts", "amount_inr", "cust_recent_ts", "cust_recent_amount", "payee_recent_ts", "payee_recent_payer",
          "first_payment_ts", "first_seen_ts"]

# ---------------------------------------------------------------- 3.1: one customer's payments in (t - 24h, t)


def count_24h(tx: pd.DataFrame) -> np.ndarray:
    """Payments by the same customer in the 24 hours strictly before each payment (by customer, in row order)."""
    out = np.zeros(len(tx))
    t = tx["event_timestamp"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    cust = tx["customer_id"].astype(str).to_numpy()
    for c in np.unique(cust):
        idx = np.flatnonzero(cust == c)
        srt = np.sort(t[idx])
        out[idx] = np.searchsorted(srt, t[idx], "left") - np.searchsorted(srt, t[idx] - 86_400_000, "right")
    return out


def _payments(rows: list[tuple[Any, str]], index: list[int] | None = None) -> pd.DataFrame:
    """rows: (customer, 'MM-DD HH:MM' in 2025, UTC)."""
    return pd.DataFrame({
        "txn_id": [f"X{i}" for i in range(len(rows))],
        "customer_id": [c for c, _ in rows],
        "event_timestamp": pd.to_datetime([f"2025-{t}" for _, t in rows], utc=True),
        "amount_inr": 100.0,
    }, index=index)


#: One trap per case: what happens, the payments, the right counts (row order), and the answers the usual
#: mistakes give, each with the sentence that names it.
_WINDOW_CASES = [
    ("A pays at 10:00 and 11:00", [("A", "03-01 10:00"), ("A", "03-01 11:00")], [0, 1],
     {(1, 2): "a payment counts itself: only payments strictly before it may count (counting itself is the leak)."}),
    ("A pays at 10:00, at 10:00 the next day and at 10:30 the next day",
     [("A", "03-01 10:00"), ("A", "03-02 10:00"), ("A", "03-02 10:30")], [0, 0, 1],
     {(0, 1, 1): "a payment exactly 24 h earlier is counted: the window is half-open, (t - 24h, t), so the "
                 "payment exactly 24 h back is outside."}),
    ("A pays at 10:00, then twice at 12:00", [("A", "03-01 10:00"), ("A", "03-01 12:00"), ("A", "03-01 12:00")],
     [0, 1, 1],
     {(0, 2, 2): "two payments at the same instant count each other: neither happened before the other, so "
                 "neither counts.",
      (0, 1, 2): "the later row of two same-instant payments counts the earlier one: neither happened before the "
                 "other, whatever their order in the table, so neither counts."}),
    ("A and B pay in turns", [("A", "03-01 10:00"), ("B", "03-01 11:00"), ("A", "03-01 12:00"), ("B", "03-01 12:30")],
     [0, 0, 1, 1], {(0, 1, 2, 3): "it counts other customers' payments: only the same customer's payments count."}),
    ("A and B each pay twice, two hours apart, across midnight (UTC for A, IST for B)",
     [("A", "03-01 23:00"), ("A", "03-02 01:00"), ("B", "03-01 17:30"), ("B", "03-01 19:30")], [0, 1, 0, 1],
     dict.fromkeys([(0, 0, 0, 1), (0, 1, 0, 0)], "it counts since midnight (a calendar day), not the 24 hours "
                   "before each payment: the window rolls with every payment.")),
]
#: Rows out of time order, with an index that is not 0..n-1: each count must stay with its own row.
_ORDER_CASE = ([("A", "03-01 12:00"), ("B", "03-01 11:30"), ("A", "03-01 10:00"), ("A", "03-01 11:00")],
               [30, 40, 10, 20], [2, 0, 0, 1])
_ORDER_MISTAKE = ("the counts come back in another order than the rows of tx (sorted by time or by customer?): tx "
                  "may come in any order; give each count back to its own row (a Series on tx's index).")


def window_cases() -> list[tuple[str, pd.DataFrame, np.ndarray, dict[tuple, str]]]:
    """(what happens, payments, right counts, {a usual wrong answer: the sentence that names it})."""
    cases = [(what, _payments(rows), np.array(want, float), named) for what, rows, want, named in _WINDOW_CASES]
    rows, index, want = _ORDER_CASE
    case = _payments(rows, index)
    in_time_order = tuple(np.array(want)[np.argsort(case["event_timestamp"].to_numpy(), kind="stable")])
    by_customer = tuple(np.array(want)[np.lexsort((case["event_timestamp"].to_numpy(), case["customer_id"]))])
    cases.append(("A pays at 12:00, 10:00 and 11:00 and B at 11:30, rows out of time order", case,
                  np.array(want, float), dict.fromkeys([in_time_order, by_customer], _ORDER_MISTAKE)))
    return cases


def dtype_cases() -> list[tuple[pd.DataFrame, np.ndarray, str]]:
    """The same payments with ids as int64 or category (as in the lab's data), and times shown in IST."""
    rows, index, want = _ORDER_CASE
    base = _payments(rows, index)
    ints = base.assign(customer_id=base["customer_id"].map({"A": 1001, "B": 2002}).astype("int64"))
    cats = base.assign(customer_id=base["customer_id"].astype("category"))
    ist = base.assign(event_timestamp=base["event_timestamp"].dt.tz_convert("Asia/Kolkata"))
    return [(ints, np.array(want, float), "customer_id as int64"),
            (cats, np.array(want, float), "customer_id as a category (as in the lab's data)"),
            (ist, np.array(want, float), "the times in IST (Asia/Kolkata) instead of UTC")]


def customers_sample(tx: pd.DataFrame, max_rows: int = 20_000) -> pd.DataFrame:
    """All payments of some customers (so that every window is whole), at most max_rows, in tx's order."""
    if len(tx) <= max_rows:
        return tx
    sizes = tx["customer_id"].astype(str).value_counts(sort=False)
    order = np.random.default_rng(0).permutation(len(sizes))
    chosen = sizes.index[order][np.cumsum(sizes.to_numpy()[order]) <= max_rows]
    return tx[tx["customer_id"].astype(str).isin(chosen)]


# ---------------------------------------------------------------- 3.3: the on-demand view at request time

NOW = 1_756_700_000.0  # a request time (seconds since the epoch), early September 2025

#: (kind, what the request holds, the request): each kind hides one trap.
CRAFTED_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("empty", "no stored history (missing values arrive as None online)",
     dict(txn_ts=NOW, amount_inr=100.0, cust_recent_ts=None, cust_recent_amount=None, payee_recent_ts=None,
          payee_recent_payer=None, first_payment_ts=None, first_seen_ts=None)),
    ("empty", "no stored history (missing values arrive as NaN offline)",
     dict(txn_ts=NOW, amount_inr=100.0, cust_recent_ts=math.nan, cust_recent_amount=math.nan,
          payee_recent_ts=math.nan, payee_recent_payer=math.nan, first_payment_ts=math.nan, first_seen_ts=math.nan)),
    ("own time", "an event stored at the request's own time (the payment itself, written back)",
     dict(txn_ts=NOW, amount_inr=250.0, cust_recent_ts=[NOW - 1_800, NOW], cust_recent_amount=[100.0, 250.0],
          payee_recent_ts=[NOW], payee_recent_payer=["C1"], first_payment_ts=NOW, first_seen_ts=NOW - 2 * DAY)),
    ("edges", "events exactly 1 h, 24 h and 7 days back, and one second inside each window",
     dict(txn_ts=NOW, amount_inr=124.0,
          cust_recent_ts=[NOW - 7 * DAY, NOW - 7 * DAY + 1, NOW - DAY, NOW - DAY + 1, NOW - 3_600, NOW - 3_599],
          cust_recent_amount=[1.0, 2.0, 4.0, 8.0, 16.0, 32.0], payee_recent_ts=[NOW - DAY, NOW - DAY + 1],
          payee_recent_payer=["P1", "P2"], first_payment_ts=NOW - 100, first_seen_ts=NOW + 3_600)),
    ("payers", "a payer who paid the payee three times, and no payments by the customer",
     dict(txn_ts=NOW, amount_inr=50.0, cust_recent_ts=[], cust_recent_amount=[],
          payee_recent_ts=[NOW - 10, NOW - 20, NOW - 30, NOW - 40_000], payee_recent_payer=["A", "A", "B", "A"],
          first_payment_ts=NOW - 5 * DAY, first_seen_ts=NOW - DAY / 2)),
]


def _events(x: Any) -> list:
    return [] if x is None or (isinstance(x, float) and math.isnan(x)) else list(x)


def _known(x: Any) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def reference_behaviour(row: dict[str, Any]) -> dict[str, float]:
    """What the on-demand view must return for one request."""
    now, out = row["txn_ts"], {}
    customer = list(zip(_events(row["cust_recent_ts"]), _events(row["cust_recent_amount"]), strict=False))
    for name, w in WINDOWS.items():
        inside = [a for s, a in customer if now - w < s < now]
        out[f"cust_txn_{name}"], out[f"cust_amt_{name}"] = float(len(inside)), float(sum(inside))
    payee = zip(_events(row["payee_recent_ts"]), _events(row["payee_recent_payer"]), strict=False)
    out["payee_payers_24h"] = float(len({p for s, p in payee if now - DAY < s < now}))
    n, total = out["cust_txn_7d"], out["cust_amt_7d"]
    out["amount_vs_7d_avg"] = row["amount_inr"] * n / total if n else math.nan
    seen, first = row["first_seen_ts"], row["first_payment_ts"]
    out["device_age_days"] = (now - seen) / DAY if _known(seen) and seen <= now else math.nan
    out["new_payee"] = 0.0 if _known(first) and first < now else 1.0
    return out


def as_inputs(rows: list[dict[str, Any]]) -> dict[str, list]:
    """Requests as Feast hands them to a python-mode on-demand view: one list per input, one item per request."""
    return {key: [row[key] for row in rows] for key in INPUTS}


_WINDOW_MISTAKES = {
    "empty": "with no stored history every count and sum is 0: treat a missing list (None or NaN) as no events.",
    "own time": "a stored event at the request's own time counts (the payment itself, written back after scoring, "
                "or its same-instant twin): windows are (t - w, t), open at t.",
    "edges": "an event exactly one window back counts (or one just inside does not): windows are (t - w, t), so "
             "an event exactly 1 h, 24 h or 7 days before the request is outside.",
}


def _window_mistake(kind: str, name: str, want: float, got: float) -> str:
    if name == "payee_payers_24h" and kind == "payers" and got > want:
        return ("payee_payers_24h counts distinct payers in the last 24 hours, not payments: a payer who paid "
                "three times counts once.")
    if kind in ("edges", "empty") or (kind == "own time" and got > want):
        return _WINDOW_MISTAKES[kind]
    return "counts and sums cover the stored events with t - w < s < t, for the request's time t."


def mistake(kind: str, row: dict[str, Any], name: str, want: float, got: float) -> str:
    """The sentence for a wrong value of feature `name` on a crafted request of this kind."""
    if name.startswith(("cust_", "payee_")):
        return _window_mistake(kind, name, want, got)
    if name == "amount_vs_7d_avg":
        return ("with no payment in the last 7 days there is no average: amount_vs_7d_avg is NaN (float('nan'))."
                if math.isnan(want) else "amount_vs_7d_avg is the request's amount divided by the average of the "
                "customer's payments in the 7 days before it (their sum / their count).")
    if name == "device_age_days":
        if math.isnan(want):
            return ("a device first seen after the request has no age yet: NaN, not a negative age."
                    if _known(row["first_seen_ts"]) else "a device never seen has no age: NaN.")
        return "device_age_days is the time since the device was first seen, in days: (txn_ts - first_seen_ts) / 86,400."
    return ("new_payee is 0 only when the customer first paid this payee strictly before the request; unknown, "
            "or a first payment at the request's own time (this payment), is 1.")


def _asof(left: pd.DataFrame, table: pd.DataFrame, by: str | list[str], ttl: pd.Timedelta | None) -> pd.DataFrame:
    """Each left row joined with the latest row of `table` stamped at or before it (and within the ttl)."""
    right = table.rename(columns={"event_timestamp": "_row_ts"})
    right["_row_ts"] = right["_row_ts"].astype("datetime64[ns, UTC]")
    right = right.sort_values("_row_ts", kind="stable")
    return pd.merge_asof(left, right, left_on="event_timestamp", right_on="_row_ts", by=by, tolerance=ttl,
                         direction="backward").drop(columns="_row_ts")


def asof_inputs(tx: pd.DataFrame, sources: dict[str, pd.DataFrame], n: int = 3_000) -> tuple[pd.DataFrame, dict]:
    """Payments of the lab (a sample) and the on-demand view's inputs for each, joined point in time
    from the pipeline's state tables the way the offline store does it."""
    sample = tx.sample(n=min(n, len(tx)), random_state=0).sort_values("event_timestamp", kind="stable")
    left = pd.DataFrame({key: sample[key].astype(str).to_numpy() for key in ("customer_id", "payee_id", "device_id")})
    left["event_timestamp"] = sample["event_timestamp"].astype("datetime64[ns, UTC]").reset_index(drop=True)
    left = _asof(left, sources["customer_recent"], "customer_id", pd.Timedelta(days=7))
    left = _asof(left, sources["payee_recent"], "payee_id", pd.Timedelta(days=1))
    left = _asof(left, sources["customer_payee"], ["customer_id", "payee_id"], None)
    left = _asof(left, sources["device"], "device_id", None)
    left["txn_ts"] = (left["event_timestamp"] - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
    left["amount_inr"] = sample["amount_inr"].to_numpy(float)
    inputs = {key: [None if v is pd.NA else v for v in left[key].tolist()] for key in INPUTS}
    return sample, inputs
