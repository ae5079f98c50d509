"""The business metric: what a model's alerts are worth, in rupees, once the fraud team has reviewed them.

Given in lab 01, built on your `alerts.daily_alerts` (called through its module, so a new version of
your function is what runs): it says which payments alert; `upi_kit.metrics.review` applies the team's
review capacity (the one rule every lab uses) and values the reviewed frauds at their ledger amounts.
Every model of the project is judged with `rupee_value`; `recall_by_typology` shows which kinds of
fraud it lets through.

    net value = ledger rupees of the frauds reviewed - review cost x alerts - friction cost x false alarms
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from upi_fraud import alerts
from upi_kit import metrics, story


@dataclass(frozen=True)
class RupeeValue:
    """What a model's alerts under the daily budget were worth on a set of payments."""

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

    def as_dict(self) -> dict[str, float]:
        """Every field as a float: what MLflow logs as metrics."""
        return {name: float(value) for name, value in asdict(self).items()}


def net_value(caught_inr: float, alerts: int, false_alarms: int) -> float:
    """Rupees caught, less an analyst's review of every alert and the friction of every false alarm."""
    return metrics.net_value(caught_inr, alerts, false_alarms)


#: One score per payment, higher meaning riskier: a list, an array or a Series.
Scores = Sequence[float] | np.ndarray | pd.Series


def rupee_value(payments: pd.DataFrame, scores: Scores, share: float | None = None) -> RupeeValue:
    """What the alerts are worth (payments: is_fraud, ledger_amount_inr, event_timestamp; one score per row)."""
    share = story.ALERT_BUDGET_SHARE if share is None else share
    if metrics.LEDGER not in payments.columns:
        raise ValueError(f"payments has no {metrics.LEDGER!r} column: value fraud on the dataset's transactions, "
                         "which carry what each payment really was")
    alert = alerts.daily_alerts(payments["event_timestamp"], scores, share)
    r = metrics.review(payments["event_timestamp"], alert, payments["is_fraud"], payments[metrics.LEDGER], share)
    return RupeeValue(**metrics.at_budget(r),
                      days=int(payments["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date.nunique()))


def recall_by_typology(payments: pd.DataFrame, scores: Scores, share: float | None = None) -> dict[str, float]:
    """Share of each fraud typology's frauds that the team reviews (typologies without frauds are left out)."""
    share = story.ALERT_BUDGET_SHARE if share is None else share
    alert = alerts.daily_alerts(payments["event_timestamp"], scores, share)
    seen = metrics.reviewed(payments["event_timestamp"], alert, share)
    fraud = payments["is_fraud"].to_numpy().astype(bool)
    kind = payments["fraud_type"].astype(str).to_numpy()
    return {name: float(seen[fraud & (kind == name)].mean()) for name in sorted(set(kind[fraud]))}
