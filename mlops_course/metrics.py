"""The course's business metric, in rupees: the checks' reference, on the one review rule.

A fraud model is not judged by accuracy (99.3% of payments are legitimate, so
"never fraud" is 99.3% accurate) nor only by PR-AUC. A bank's fraud team can
review a limited number of alerts a day. So every lab asks the same question:
*if analysts review the day's riskiest payments, up to the daily alert budget,
how many rupees does the model save?*

    net value (INR) = fraud amount caught
                      - review cost x alerts
                      - friction cost x false alarms

* fraud amount caught: the ledger amounts (what the payments really were) of
  the frauds the team reviewed (and so blocked or recovered);
* alerts: each IST day, the highest-scored payments, at most the day's budget,
  and only those with a score above 0; reviewed by `upi_kit.metrics.review`,
  the one review-capacity rule (an alert the team does not review catches
  nothing), which every lab and the project use;
* review cost: an analyst's time per alert;
* friction cost: what a false alarm costs with a good customer (a held payment,
  a call, some churn).

The constants live in `upi_kit.story` (ALERT_BUDGET_SHARE, REVIEW_COST_INR,
FRICTION_COST_INR). The budget is a share of each day's payments, so the
metric means the same at every data size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from upi_kit import metrics as review_rule
from upi_kit import story

from .periods import ist_dates


@dataclass(frozen=True)
class RupeeResult:
    """What the alerts under the daily budget were worth."""

    net_value_inr: float
    fraud_caught_inr: float
    fraud_missed_inr: float
    alerts: int
    true_alerts: int
    false_alerts: int
    frauds: int
    precision_at_budget: float
    recall_at_budget: float
    days: int

    def as_dict(self, prefix: str = "") -> dict[str, float]:
        return {f"{prefix}{k}": float(v) for k, v in asdict(self).items()}

    def __str__(self) -> str:
        return (
            f"net value \u20b9{self.net_value_inr:,.0f} | caught \u20b9{self.fraud_caught_inr:,.0f} of "
            f"\u20b9{self.fraud_caught_inr + self.fraud_missed_inr:,.0f} fraud | {self.alerts} alerts "
            f"({self.true_alerts} fraud, {self.false_alerts} false) | precision {self.precision_at_budget:.1%}, "
            f"recall {self.recall_at_budget:.1%}"
        )


def daily_budget(n_payments: int, share: float | None = None) -> int:
    """Alerts the team reviews on a day with n_payments (at least one on any day with payments)."""
    return review_rule.daily_budget(n_payments, share)


def alerts_under_budget(
    timestamps: Any, scores: Any, share: float | None = None, timezone: str = story.TIMEZONE
) -> np.ndarray:
    """Boolean mask: the top-scored payments of each IST day, up to that day's budget.

    Only payments with a score above 0 can raise an alert (a rule that does not
    fire, or a model that gives 0, means "no alert"), so a budget is a ceiling,
    not a quota. Ties are broken by position (earlier rows first): deterministic.
    """
    import pandas as pd

    ts = pd.to_datetime(pd.Series(timestamps).reset_index(drop=True), utc=True)
    s = np.asarray(scores, dtype=float)
    if len(ts) != len(s):
        raise ValueError(f"timestamps and scores differ in length ({len(ts)} vs {len(s)}); pass one score per payment.")
    if np.isnan(s).any():
        raise ValueError("scores contain NaN; give every payment a number (e.g. fill missing with 0).")
    day = ts.dt.tz_convert(timezone).dt.date.to_numpy()
    frame = pd.DataFrame({"day": day, "neg_score": -s, "pos": np.arange(len(s))})
    frame = frame.sort_values(["day", "neg_score", "pos"], kind="mergesort")
    rank = frame.groupby("day", sort=False).cumcount().to_numpy()
    size = frame.groupby("day", sort=False)["pos"].transform("size").to_numpy()
    share = story.ALERT_BUDGET_SHARE if share is None else share
    budget = np.maximum(1, np.floor(size * share + 0.5))  # daily_budget(), vectorised
    mask = np.zeros(len(s), dtype=bool)
    mask[frame["pos"].to_numpy()[rank < budget]] = True
    return mask & (s > 0)


def rupee_value(
    payments: Any,
    scores: Any,
    *,
    share: float | None = None,
    label: str = "is_fraud",
    amount: str = review_rule.LEDGER,
    timestamp: str = "event_timestamp",
) -> RupeeResult:
    """Score a model (or rules) by the rupees its alerts save under the daily budget.

    `payments` is a DataFrame with the label, the amount in rupees and the
    timestamp; `scores` holds one number per row, higher meaning riskier.
    """
    missing = [c for c in (label, amount, timestamp) if c not in payments.columns]
    if missing:
        raise ValueError(f"payments has no column {missing[0]!r}; pass the transactions frame with labels.")
    alert = alerts_under_budget(payments[timestamp], scores, share=share)
    r = review_rule.review(payments[timestamp], alert, payments[label], payments[amount], share)
    days = int(ist_dates(payments[timestamp]).nunique()) if len(payments) else 0
    return RupeeResult(**review_rule.at_budget(r), days=days)
