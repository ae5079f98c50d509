"""A challenger's shadow week, judged: it scored the week's payments beside the champion (exercise 7.3, lab 07).

run.py replays the week with the challenger (its decisions go nowhere) and calls `judge` with both models'
decisions. The gate already judged the challenger's value on a labelled holdout; the shadow week asks what a
holdout cannot: on this week's live payments, does it score every one, and would its alerts fit the team's
capacity? The frauds reported by the week's end are counted for the record, not to decide: there are few so soon.
"""

from __future__ import annotations

import pandas as pd

from upi_fraud.loop.state import Shadow
from upi_kit import metrics


def judge(shadow: pd.DataFrame, champion: pd.DataFrame, payments: pd.DataFrame, end: pd.Timestamp,
          allowed_alert_rate: float) -> Shadow:
    """The shadow week's Shadow (state.py), every rate and share rounded to 4 decimals.

    shadow, champion: each model's decisions on the week (`alert` 0/1), indexed by payment; the champion's may be in
    another order, or hold more payments. payments: the dataset's rows of the week (`event_timestamp`, `is_fraud`,
    `label_available_at`), same index. end: the week's end. ok: the challenger scored every payment the champion did
    and its alert rate is at most `allowed_alert_rate`. A fraud is known when its report came before `end`; caught
    means reviewed (metrics.reviewed: the day's capacity), not merely alerted.
    """
    ### BEGIN SOLUTION 7.3
    champ = champion["alert"].reindex(shadow.index)  # the same payments, in the shadow's order
    rows = payments.loc[shadow.index]
    known = rows["is_fraud"].astype(bool) & (rows["label_available_at"] < end)
    rate = float(shadow["alert"].mean())
    scored_all = bool(champion.index.isin(shadow.index).all())
    return Shadow(ok=scored_all and rate <= allowed_alert_rate, payments=len(shadow),
                  agreement=round(float((shadow["alert"] == champ).mean()), 4), alert_rate=round(rate, 4),
                  champion_alert_rate=round(float(champ.mean()), 4), allowed_alert_rate=round(allowed_alert_rate, 4),
                  frauds_known=int(known.sum()),
                  caught_known=int((known & metrics.reviewed(rows["event_timestamp"], shadow["alert"])).sum()),
                  champion_caught_known=int((known & metrics.reviewed(rows["event_timestamp"], champ)).sum()))
    ### END SOLUTION
