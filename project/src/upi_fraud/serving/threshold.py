"""The decision threshold: alert when score >= threshold (exercise 4.1, lab 04).

Lab 01 reviewed the top 1% of each day *in hindsight*. A live service decides one payment at a time,
so it needs a number fixed in advance: the lowest one that keeps the alert rate within the review
budget. calibration.py calibrates a registered version with it and stores the threshold with the
version (a new model scores on another scale and needs its own).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def calibrate(scores: Sequence[float] | np.ndarray, budget_share: float) -> float:
    """The lowest threshold t whose alert rate, mean(scores >= t), is at most budget_share."""
    ### BEGIN SOLUTION 4.1
    s = np.sort(np.asarray(scores, dtype=float))[::-1]
    allowed = int(np.floor(budget_share * len(s) + 1e-9))
    candidates = np.unique(s)  # ascending: the first that fits the budget is the lowest
    counts = len(s) - np.searchsorted(np.sort(s), candidates, side="left")  # how many scores are >= each candidate
    fits = candidates[counts <= allowed]
    return float(fits[0]) if len(fits) else float(np.nextafter(s[0], np.inf))
    ### END SOLUTION
