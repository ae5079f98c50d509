"""The loop's weekly decision: what to do once monitoring has judged a week (exercise 7.1, lab 07).

run.py calls it through this module every Monday; its answer is one of state.ACTIONS.
"""

from __future__ import annotations

import pandas as pd

from upi_fraud.loop.state import Challenger, WeekVerdict
from upi_fraud.monitoring.config import WINDOW_DAYS


def decide_week(verdict: WeekVerdict, challenger: Challenger | None, last_change: pd.Timestamp | None,
                window_days: int = WINDOW_DAYS) -> str:
    """What the loop does once a week is judged: one of state.ACTIONS.

    verdict: the week's monitoring verdict (status, retrain, judged_at: an aware Timestamp).
    challenger: None, or the version waiting to go live (version, gate_passed, shadow: None until its shadow
        week is over, then a Shadow with .ok).
    last_change: when the live model last changed (an aware Timestamp), or None if it never did.
    """
    ### BEGIN SOLUTION 7.1
    if verdict.status == "INCIDENT":
        return "page"  # an open incident: no retraining on broken data, no model change while people are paged
    if challenger is not None:
        if not challenger.gate_passed or (challenger.shadow is not None and not challenger.shadow.ok):
            return "drop"
        return "shadow" if challenger.shadow is None else "promote"
    if not verdict.retrain:
        return "none"
    # Right after a change, the window still holds decisions of the previous model: they are not news.
    recent = last_change is not None and verdict.judged_at - last_change < pd.Timedelta(days=window_days)
    return "wait" if recent else "retrain"
    ### END SOLUTION
