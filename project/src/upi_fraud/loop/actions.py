"""The week's action, carried out: retrain, promote or drop (exercise 7.6, lab 07).

run.py calls `act` with your decide_week's answer and lab 05's continuous training as `retrain` (so act never trains
itself); act changes the registry and the loop's state (state.py), and returns the week's row part for weeks.json.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from mlflow import MlflowClient

from upi_fraud.loop import promotion
from upi_fraud.loop.aliases import CHALLENGER
from upi_fraud.loop.state import Challenger, Change, LoopState

#: retrain(as_of, why) -> {"version": ..., "gate_passed": bool, ...}: continuous training as of `as_of`.
Retrain = Callable[[pd.Timestamp, str], dict[str, Any]]


def promotion_reason(challenger: Challenger) -> str:
    """Why a challenger goes live, in one sentence for its promoted_because tag."""
    s = challenger.shadow
    if s is None:
        return "passed the gate"
    return (f"passed the gate; shadow week: alert rate {s.alert_rate:.2%} (allowed {s.allowed_alert_rate:.2%}), "
            f"{s.agreement:.1%} agreement with the champion")


def act(client: MlflowClient, model_name: str, state: LoopState, action: str, verdict: dict[str, Any],
        retrain: Retrain) -> dict[str, Any]:
    """Carry out `action` on the week judged in `verdict` (weeks.json's row: judged_at, reasons); the row part.

    "retrain": retrain as of judged_at, why = the RETRAIN reason's sentence; a challenger that passed the gate
    waits. "promote" / "drop": settle the waiting challenger (your promote, or its alias deleted), a promotion
    recorded in state.changes. Any other action, or nothing to settle: no change, {}.
    """
    ### BEGIN SOLUTION 7.6
    judged_at = pd.Timestamp(verdict["judged_at"])
    pending = state.challenger
    if action == "retrain":
        why = next(r["sentence"] for r in verdict["reasons"] if r["status"] == "RETRAIN")
        made = retrain(judged_at, f"trigger performance by upi-loop: {why}")
        state.challenger = Challenger(made["version"], gate_passed=True) if made["gate_passed"] else None
        return {"ct": made}  # a failing gate: the champion stays, nothing goes to shadow
    if action not in ("promote", "drop") or pending is None:
        return {}
    if action == "promote":
        promotion.promote(client, model_name, pending.version, reason=promotion_reason(pending),
                          at=judged_at.isoformat())
        state.changes.append(Change(judged_at, pending.version))
    else:
        client.delete_registered_model_alias(model_name, CHALLENGER)
    state.challenger = None
    return {action: {"version": pending.version}}
    ### END SOLUTION
