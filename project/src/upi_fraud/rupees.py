"""The business metric: what the alerts under the daily review budget are worth, in rupees.

Given in lab 01, built on your `alerts.daily_alerts` (called through its module, so a new version of
your function is what runs). Every model of the project is judged with `rupee_value`;
`recall_by_typology` shows which kinds of fraud it lets through. The formula of the net value lives
here once (`net_value`): the loop's valuation in lab 07 uses it too.

    net value = fraud caught (INR) - review cost x alerts - friction cost x false alarms
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from upi_fraud import alerts
from upi_kit import story


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
    return caught_inr - story.REVIEW_COST_INR * alerts - story.FRICTION_COST_INR * false_alarms


#: One score per payment, higher meaning riskier: a list, an array or a Series.
Scores = Sequence[float] | np.ndarray | pd.Series


def rupee_value(payments: pd.DataFrame, scores: Scores, share: float | None = None) -> RupeeValue:
    """What the alerts are worth (payments: is_fraud, amount_inr, event_timestamp; one score per row)."""
    share = story.ALERT_BUDGET_SHARE if share is None else share
    fraud = payments["is_fraud"].to_numpy().astype(bool)
    amount = payments["amount_inr"].to_numpy(dtype=float)
    alert = alerts.daily_alerts(payments["event_timestamp"], scores, share)
    true_alerts, false_alerts = int((alert & fraud).sum()), int((alert & ~fraud).sum())
    raised, frauds = true_alerts + false_alerts, int(fraud.sum())
    caught = float(amount[alert & fraud].sum())
    return RupeeValue(
        net_value_inr=round(net_value(caught, raised, false_alerts), 2),
        fraud_caught_inr=round(caught, 2),
        fraud_missed_inr=round(float(amount[~alert & fraud].sum()), 2),
        alerts=raised,
        true_alerts=true_alerts,
        false_alerts=false_alerts,
        frauds=frauds,
        precision_at_budget=true_alerts / raised if raised else 0.0,
        recall_at_budget=true_alerts / frauds if frauds else 0.0,
        days=int(payments["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date.nunique()),
    )


def recall_by_typology(payments: pd.DataFrame, scores: Scores, share: float | None = None) -> dict[str, float]:
    """Share of each fraud typology's frauds that get an alert (typologies without frauds are left out)."""
    share = story.ALERT_BUDGET_SHARE if share is None else share
    alert = alerts.daily_alerts(payments["event_timestamp"], scores, share)
    fraud = payments["is_fraud"].to_numpy().astype(bool)
    kind = payments["fraud_type"].astype(str).to_numpy()
    return {name: float(alert[fraud & (kind == name)].mean()) for name in sorted(set(kind[fraud]))}
