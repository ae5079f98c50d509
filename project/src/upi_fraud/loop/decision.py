"""The loop's weekly decision: what to do once monitoring has judged a week (exercise 7.1, lab 07).

run.py calls it through this module every Monday; its answer is one of state.ACTIONS. Once a challenger is
promoted or dropped, run.py asks again with no challenger: a trigger that still holds starts the next one.
"""

from __future__ import annotations

from upi_fraud.loop.state import Challenger, WeekVerdict


def decide_week(verdict: WeekVerdict, challenger: Challenger | None) -> str:
    """What the loop does once a week is judged: one of state.ACTIONS.

    verdict: the week's monitoring verdict (status, retrain, judged_at: an aware Timestamp).
    challenger: None, or the version waiting to go live (version, gate_passed, shadow: None until its shadow
        week is over, then a Shadow with .ok).
    """
    ### BEGIN SOLUTION 7.1
    if verdict.status == "INCIDENT":
        return "page"  # an open incident: no retraining on broken data, no model change while people are paged
    if challenger is not None:
        if not challenger.gate_passed or (challenger.shadow is not None and not challenger.shadow.ok):
            return "drop"
        return "shadow" if challenger.shadow is None else "promote"
    # While the trigger holds, every week brings labels the live model never learned from: retrain (the gate and
    # the shadow week stop a challenger that is no better).
    return "retrain" if verdict.retrain else "none"
    ### END SOLUTION
