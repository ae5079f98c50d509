"""The alert policy's two decisions: a frozen threshold from clean history, and one status per week.

Exercises 6.1 and 6.2 (lab 06). thresholds.py freezes every statistic's threshold with your `calibrate`
before any production week is judged (a threshold is never tuned on the weeks it scores); weekly.py gives
each week one status with your `decide`. The vocabulary (Finding, Verdict, SEVERITY) is in findings.py.
"""

from __future__ import annotations

import pandas as pd

from upi_fraud.monitoring.findings import SEVERITY, Finding, Verdict

#: A week with fewer rows than this share of the median week is partial (the year's first and last
#: days): its statistics are noisy and it does not set a threshold.
PARTIAL_WEEK = 0.5


def calibrate(history: pd.DataFrame, direction: str, margin: float) -> float:
    """The threshold for one statistic from its clean history.

    history: DataFrame, one row per week, with `rows` (how many payments or cases the week had) and
    `value` (the statistic that week; NaN when it could not be measured). direction: "above" when a
    high value is bad (a distance, a share, a fold), "below" when a low value is bad (a recall, a
    p-value). Partial weeks (fewer rows than PARTIAL_WEEK times the median week) are left out.
    """
    ### BEGIN SOLUTION 6.1
    usable = history[history["value"].notna()]
    usable = usable[usable["rows"] >= PARTIAL_WEEK * history["rows"].median()]
    if usable.empty:
        raise ValueError("no full week of history to calibrate on: calibrate on more weeks")
    if direction == "above":
        return float(usable["value"].max() * margin)
    if direction == "below":
        return float(usable["value"].min() / margin)
    raise ValueError(f"direction is 'above' or 'below', not {direction!r}")
    ### END SOLUTION


def decide(findings: list[Finding]) -> Verdict:
    """The week's Verdict: its status by precedence, its reasons most severe first, whether to retrain."""
    ### BEGIN SOLUTION 6.2
    ordered = sorted(findings, key=lambda f: -SEVERITY[f.status])  # stable: same-status findings keep their order
    status = ordered[0].status if ordered else "OK"
    retrain = any(f.status == "RETRAIN" for f in findings)
    return Verdict(status=status, reasons=ordered, retrain=retrain)
    ### END SOLUTION
