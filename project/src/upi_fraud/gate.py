"""The promotion gate: a challenger replaces the champion only if it saves more rupees on the same data (lab 02).

Exercise 2.5. train.py --promote and continuous training (ct/) decide with it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evaluation:
    """One model scored on one frame: its version, its net value (INR), and which frame (digest, rows)."""

    version: str | None
    net_value_inr: float
    frame_digest: str
    rows: int


def decide(challenger: Evaluation, champion: Evaluation | None, margin_inr: float) -> tuple[bool, str]:
    """(promote?, why in rupees). Raises ValueError if the two were scored on different data."""
    ### BEGIN SOLUTION 2.5
    if champion is None:
        return True, f"no champion yet; the challenger's validation net value is ₹{challenger.net_value_inr:,.0f}"
    if (challenger.frame_digest, challenger.rows) != (champion.frame_digest, champion.rows):
        raise ValueError(
            f"champion ({champion.rows:,} rows, {champion.frame_digest}) and challenger ({challenger.rows:,} rows, "
            f"{challenger.frame_digest}) were evaluated on different data; re-score both on the same frame")
    gain = challenger.net_value_inr - champion.net_value_inr
    verdict = "more than" if gain > margin_inr else "not more than"
    why = (f"₹{challenger.net_value_inr:,.0f} vs ₹{champion.net_value_inr:,.0f}: a gain of ₹{gain:,.0f}, "
           f"{verdict} the margin of ₹{margin_inr:,.0f}")
    return gain > margin_inr, why
    ### END SOLUTION
