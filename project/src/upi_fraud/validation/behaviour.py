"""Behavioural tests of a fraud model, CheckList style: many generated inputs, judged by a share (lab 05).

A quality gate says *how much* a model is worth; these say whether it behaves as a fraud analyst
would expect, on cases nobody labelled:
* direction: a riskier twin of a payment (new device, at night, 5x the amount, a new payee) scores higher;
* invariance: renaming a customer everywhere in the history changes no score;
* minimum functionality: a canonical account-takeover burst alerts;
* slices: good customers in each city tier are stopped at about the same rate.

Given in lab 05; direction_share is yours (direction.py, 5.4), and so are the tests (tests/test_behaviour.py, 5.5),
but for the slices, a quality question (tests/test_model.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from upi_fraud.features import Payments

Predict = Callable[[pd.DataFrame], np.ndarray]

#: The riskier twin: what changes, and by how much (hour 2 is a night hour in IST, story.NIGHT_HOURS_IST).
RISKIER = {"new_device": 1, "hour_ist": 2, "new_payee": 1.0}
AMOUNT_FACTOR = 5.0


class Renamed:
    """The dataset with every customer id replaced by another, consistently across the whole history."""

    def __init__(self, upi: Payments, prefix: str = "R") -> None:
        mapping = {c: f"{prefix}{i:07d}" for i, c in enumerate(upi.customers["customer_id"].astype(str))}

        def rename(frame: pd.DataFrame) -> pd.DataFrame:
            out = frame.copy()
            out["customer_id"] = out["customer_id"].astype(str).map(mapping)
            return out

        self.transactions = rename(upi.transactions)
        self.customers = rename(upi.customers)
        self.devices = upi.devices


def takeover_bursts(X: pd.DataFrame, n: int = 200, seed: int = 0) -> pd.DataFrame:
    """n canonical account takeovers built on real payments: a new device at night, a large transfer to a
    person, the third payment of a burst within the hour (for the v2 behaviour features)."""
    rng = np.random.default_rng(seed)
    rows = X.sample(n=n, replace=len(X) < n, random_state=seed).reset_index(drop=True)
    amount = rng.uniform(15_000, 60_000, n).round()
    burst: dict[str, Any] = {"channel": "intent", "payee_type": "p2p", "merchant_category": "p2p", "new_device": 1,
             "hour_ist": rng.integers(1, 4, n), "amount_inr": amount}
    if "cust_txn_1h" in rows:  # feature set v2: two earlier payments of the burst, from a device seen minutes ago
        earlier = 2 * amount  # a quiet customer until tonight: the burst is all of the last hour and day
        for window in ("1h", "24h"):
            rows[f"cust_txn_{window}"], rows[f"cust_amt_{window}"] = 2.0, earlier
        rows["cust_txn_7d"], rows["cust_amt_7d"] = rows["cust_txn_7d"] + 2, rows["cust_amt_7d"] + earlier
        burst.update(new_payee=1.0, device_age_days=0.01, payee_payers_24h=0.0,
                     amount_vs_7d_avg=amount / (rows["cust_amt_7d"] / rows["cust_txn_7d"]))
    for column, value in burst.items():
        if column in rows:
            rows[column] = value
    return rows[list(X.columns)].astype(X.dtypes.to_dict())


def slice_rates(alert: np.ndarray | pd.Series, legit: np.ndarray | pd.Series,
                groups: np.ndarray | pd.Series) -> tuple[float, pd.DataFrame]:
    """False-alert rate per group among legitimate payments: rate, rows, and the allowed band around the overall rate.

    The band is 4 binomial standard deviations plus half the overall rate: a slice fails only when its good
    customers are stopped clearly more (or less) often than everyone's, not by the luck of a small slice.
    """
    frame = pd.DataFrame({"alert": np.asarray(alert, bool), "group": np.asarray(groups)})[np.asarray(legit, bool)]
    p = float(frame["alert"].mean())
    out = frame.groupby("group")["alert"].agg(["mean", "size"]).rename(columns={"mean": "rate", "size": "rows"})
    out["allowed"] = 4 * np.sqrt(p * (1 - p) / out["rows"]) + 0.5 * p
    out["ok"] = (out["rate"] - p).abs() <= out["allowed"]
    return p, out
