"""Review capacity, and what reviewed alerts are worth: the one definition every lab and the project use.

A bank's fraud team reviews a limited number of alerts a day. The rule, stated once:

* **Capacity.** Each IST day the team reviews at most ``daily_budget(n)`` alerts, n being the day's
  payments: ``story.ALERT_BUDGET_SHARE`` (2%) of them, rounded, at least one on a day with payments.
* **Order.** Alerts are reviewed in the order they arrive. A live team works a queue as it fills; it
  cannot wait for the day's end to pick the riskiest. An alert raised after the day's budget is spent
  is not reviewed, and **an alert that is not reviewed catches nothing**.
* **Offline, in hindsight** (labs 01-03), a model's alerts are each day's top-k scores (exercise 1.4,
  ``alerts.daily_alerts``): never more than the budget, so all of them are reviewed. That is the best
  any threshold could do that day, which is why a model is chosen by it. **Live** (labs 04-07), alerts
  are the scores at or above a threshold fixed in advance; on a day with more alerts than the budget,
  the late ones go unreviewed. Both go through ``reviewed``: there is no other way to count a catch.

Rupees are **ledger amounts** (``ledger_amount_inr``: what the payment really was, settled later by
the bank), never the amount a broken app sent: the week app 5.7.0 sent paise counts its frauds at their
true size.

    net value = ledger rupees of the frauds reviewed - review cost x alerts reviewed
                - friction cost x good customers reviewed (false alarms)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from upi_kit import story

#: The column with what a payment really was (the bank's ledger); the dataset and the fraud reports carry it.
LEDGER = "ledger_amount_inr"


def daily_budget(n_payments: int, share: float | None = None) -> int:
    """Alerts the team reviews on a day with n_payments: the share of them, rounded half up, at least one."""
    share = story.ALERT_BUDGET_SHARE if share is None else share
    return max(1, int(np.floor(n_payments * share + 0.5))) if n_payments > 0 else 0


def ist_days(timestamps: Any) -> np.ndarray:
    """Each timestamp's IST calendar day (a NumPy array of dates); naive timestamps are taken as UTC."""
    ts = pd.to_datetime(pd.Series(timestamps).reset_index(drop=True), utc=True)
    return ts.dt.tz_convert(story.TIMEZONE).dt.date.to_numpy()


def reviewed(timestamps: Any, alerted: Sequence[bool] | np.ndarray | pd.Series, share: float | None = None) -> np.ndarray:
    """Which alerts the team reviews (a bool array in row order): each IST day's, in arrival order, up to its budget.

    timestamps: when each payment happened (one per row, any order); alerted: whether it raised an alert.
    The day's budget counts all its payments, alerted or not. Rows at the same instant keep their row order.
    """
    alert = np.asarray(alerted, dtype=bool)
    day = ist_days(timestamps)
    if len(day) != len(alert):
        raise ValueError(f"timestamps and alerts differ in length ({len(day)} vs {len(alert)}); pass one per payment.")
    if not len(alert):
        return alert.copy()
    when = pd.to_datetime(pd.Series(timestamps).reset_index(drop=True), utc=True).to_numpy()
    frame = pd.DataFrame({"day": day, "when": when, "alert": alert, "row": np.arange(len(alert))})
    share = story.ALERT_BUDGET_SHARE if share is None else share
    size = frame.groupby("day")["row"].transform("size").to_numpy()
    budget = np.maximum(1, np.floor(size * share + 0.5))
    queue = frame[alert].sort_values(["when", "row"], kind="mergesort")
    position = queue.groupby("day").cumcount().to_numpy()  # 0: the day's first alert
    out = np.zeros(len(alert), dtype=bool)
    out[queue["row"].to_numpy()[position < budget[queue["row"].to_numpy()]]] = True
    return out


@dataclass(frozen=True)
class Review:
    """What a set of alerts was worth once the team reviewed what it could (rupees at ledger amounts)."""

    net_value_inr: float
    fraud_caught_inr: float
    fraud_missed_inr: float
    alerts: int
    reviewed: int
    unreviewed: int
    true_alerts: int
    false_alerts: int
    frauds: int

    def as_dict(self) -> dict[str, float]:
        """Every field as a float (what MLflow logs as metrics)."""
        return {name: float(value) for name, value in asdict(self).items()}


def at_budget(r: Review) -> dict[str, Any]:
    """A review as a model's figures under the daily budget: its alerts are the reviewed ones, and precision and
    recall count what the team reviewed (the fields of lab 01's RupeeValue, all but the days)."""
    return {"net_value_inr": r.net_value_inr, "fraud_caught_inr": r.fraud_caught_inr,
            "fraud_missed_inr": r.fraud_missed_inr, "alerts": r.reviewed, "true_alerts": r.true_alerts,
            "false_alerts": r.false_alerts, "frauds": r.frauds,
            "precision_at_budget": r.true_alerts / r.reviewed if r.reviewed else 0.0,
            "recall_at_budget": r.true_alerts / r.frauds if r.frauds else 0.0}


def net_value(caught_inr: float, reviewed_alerts: int, false_alarms: int) -> float:
    """Rupees caught, less an analyst's review of every reviewed alert and the friction of every false alarm."""
    return caught_inr - story.REVIEW_COST_INR * reviewed_alerts - story.FRICTION_COST_INR * false_alarms


def review(timestamps: Any, alerted: Any, is_fraud: Any, ledger_inr: Any, share: float | None = None) -> Review:
    """Apply the review rule to alerts and value what was reviewed: the only place a catch is counted."""
    fraud = np.asarray(is_fraud).astype(bool)
    amount = np.asarray(ledger_inr, dtype=float)
    alert = np.asarray(alerted, dtype=bool)
    seen = reviewed(timestamps, alert, share)
    true_alerts, false_alerts = int((seen & fraud).sum()), int((seen & ~fraud).sum())
    caught = float(amount[seen & fraud].sum())
    return Review(
        net_value_inr=round(net_value(caught, true_alerts + false_alerts, false_alerts), 2),
        fraud_caught_inr=round(caught, 2),
        fraud_missed_inr=round(float(amount[fraud & ~seen].sum()), 2),
        alerts=int(alert.sum()), reviewed=true_alerts + false_alerts, unreviewed=int((alert & ~seen).sum()),
        true_alerts=true_alerts, false_alerts=false_alerts, frauds=int(fraud.sum()),
    )
