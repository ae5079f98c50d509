"""Which payments the fraud team reviews: each IST day's riskiest, up to the day's budget.

Written in lab 01 (exercise 1.4). The business metric (rupees.py) is built on this function, so
every model of the project is judged by the alerts it would raise here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from upi_kit import story


def daily_alerts(timestamps: pd.Series | Sequence[pd.Timestamp], scores: Sequence[float] | np.ndarray | pd.Series,
                 share: float = story.ALERT_BUDGET_SHARE) -> np.ndarray:
    """Alert or not, per payment (a NumPy bool array in row order): each IST day's top scores up to its budget."""
    ### BEGIN SOLUTION 1.4
    day = pd.Series(pd.to_datetime(timestamps, utc=True)).dt.tz_convert(story.TIMEZONE).dt.date.to_numpy()
    frame = pd.DataFrame({"day": day, "score": np.asarray(scores, dtype=float)})
    ranked = frame.sort_values("score", ascending=False, kind="stable")  # ties keep their row order
    rank = ranked.groupby("day").cumcount().sort_index()  # 0 is the day's riskiest payment
    budget = np.maximum(1, np.floor(frame.groupby("day")["score"].transform("size") * share + 0.5))
    return ((rank < budget) & (frame["score"] > 0)).to_numpy()
    ### END SOLUTION
