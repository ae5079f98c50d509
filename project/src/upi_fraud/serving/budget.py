"""The review budget, kept live: every Monday the threshold is recalibrated on last week's scores (given in lab 04).

A threshold calibrated on July keeps 1% of July's payments alerting. Production moves (volume grows, the
festive season brings more and bigger payments, behaviour features count more of them), and a frozen
threshold soon sends the fraud team more alerts than it can review: the late ones go unreviewed and catch
nothing (`upi_kit.metrics.reviewed`). So each Monday 00:00 IST the week's threshold is recalibrated, without
labels, on the previous week's scores of the same model version: the lowest score that keeps
`story.ALERT_TARGET_SHARE` of those payments alerting (your exercise 4.1's `calibrate`, the same rule as at
registration).

* The target is half the team's capacity (`story.ALERT_BUDGET_SHARE`): a week of fraud bursts, or a week
  busier or riskier than the last, still fits what the team can review.
* A new model version starts from its own calibrated threshold (validation or holdout), until it has a
  week of its own scores.
* A week that alerted on more than the team could review is not chased: that is an incident (the paise
  week), or a burst a person should look at, and recalibrating on it would blind the next week. The
  threshold stays; monitoring says why.

The service (service.py) and the bulk replay (replay.py) both call `for_week`, so a payment gets the same
threshold whichever path scored it; the inference log records it with every decision.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
import pandas as pd

from upi_fraud.dates import monday
from upi_fraud.serving import scoring, threshold
from upi_kit import story

#: A week with fewer scored payments than this (a model's first days) keeps the threshold it has.
MIN_SCORES = 500


def for_week(previous: Sequence[float] | np.ndarray, previous_threshold: float) -> float:
    """This week's threshold from last week's scores (same model version) and the threshold they were judged by."""
    scores = np.asarray(previous, dtype=float)
    if len(scores) < MIN_SCORES:
        return previous_threshold
    if float(np.mean(scores >= previous_threshold)) > story.ALERT_BUDGET_SHARE:
        return previous_threshold
    return threshold.calibrate(scores, story.ALERT_TARGET_SHARE)


def by_week(weeks: np.ndarray, first: float, score: Callable[[np.ndarray, float], np.ndarray]) -> np.ndarray:
    """Each payment's threshold over consecutive weeks: `first` for the first week, then each Monday `for_week` on
    the week before's scores. `weeks` holds each payment's Monday (in time order); `score(rows, cut)` scores one
    week's rows (their positions) under that week's threshold and returns their scores."""
    cuts = np.zeros(len(weeks))
    cut, previous = first, None
    for week in pd.unique(weeks):
        rows = np.flatnonzero(weeks == week)
        cut = cut if previous is None else for_week(previous, cut)
        cuts[rows] = cut
        previous = score(rows, cut)
    return cuts


def after(week_before: pd.DataFrame | None, default: float) -> float:
    """The threshold for a version's week, from its decisions of the week before (score, threshold), if any."""
    if week_before is None or week_before.empty:
        return default
    return for_week(week_before["score"].to_numpy(float), float(week_before["threshold"].iloc[-1]))


class Weekly:
    """The live service's threshold: recalibrated at a version's first payment of each IST week, then held."""

    def __init__(self, week_before: Callable[[str, date], pd.DataFrame]) -> None:
        self.week_before = week_before  # (version, Monday) -> that version's decisions of the week before
        self.key: tuple[str, date] | None = None
        self.cut = 0.0
        self.lock = threading.Lock()

    def apply(self, bundle: scoring.Bundle, when: pd.Timestamp) -> scoring.Bundle:
        """The bundle with the threshold in force for the week of `when`."""
        key = (bundle.version, monday(when))
        with self.lock:
            if key != self.key:
                self.cut, self.key = after(self.week_before(*key), bundle.threshold), key
        return dataclasses.replace(bundle, threshold=self.cut)
