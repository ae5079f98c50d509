"""Which payments a continuous-training run trains on, judges on, and quarantines (given in lab 05).

As of a moment, CT knows only the payments made before it and the labels reported before it (your
labels.known_as_of). Every weekly batch runs the data tests first; a failing batch is quarantined as a
whole (a pipeline that broke one field may have broken others nobody tests, and one week in forty is
cheap to lose): never trained on, never judged on. The last HOLDOUT_DAYS judge; the rest train.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from upi_fraud.ct import labels
from upi_fraud.dates import week_of
from upi_fraud.validation import data_checks
from upi_kit import story
from upi_kit.data import dataset_digest

HOLDOUT_DAYS = 14
#: CT refuses to train on less than this (rows, labelled frauds) once the quarantined batches are out.
MIN_TRAIN_ROWS, MIN_TRAIN_FRAUDS = 5_000, 30


class CTError(RuntimeError):
    """Continuous training cannot run as asked (the sentence says what to do)."""


@dataclass(frozen=True)
class Plan:
    """A CT run's data: the training rows and their labels, the holdout (with its labels), the quarantine."""

    as_of: pd.Timestamp
    train: pd.DataFrame
    labels: pd.Series
    holdout: pd.DataFrame  # is_fraud: the labels known as of as_of
    holdout_start: pd.Timestamp
    holdout_days: int
    quarantined: pd.DataFrame  # week, reasons

    @property
    def digest(self) -> str:
        """The holdout's digest: champion and challenger are judged on this frame."""
        return dataset_digest(self.holdout)

    @property
    def quarantined_weeks(self) -> str:
        """The quarantined weeks' Mondays, comma separated ('none' when every batch was clean)."""
        return ",".join(str(w) for w in self.quarantined["week"]) or "none"


def plan(tx: pd.DataFrame, as_of: pd.Timestamp, holdout_days: int = HOLDOUT_DAYS, *, quarantine: bool = True,
         every_label: bool = False) -> Plan:
    """Which rows train, which judge, which are quarantined (and why), with the labels known at `as_of`.

    Only lab 07's hindsight arms (loop/arms.py) change the two switches: `quarantine=False` trains on the
    failing batches too; `every_label=True` knows every fraud the moment it happens (no bank ever does).
    """
    known = labels.known_as_of(tx, as_of)
    made = tx.loc[known.index]
    if every_label:
        known = made["is_fraud"].astype(int).rename("label")
    weeks = data_checks.check_weeks(made, data_checks.reference_frame(tx))
    bad = weeks.loc[weeks["status"] == "failed", ["week", "reasons"]]
    if not quarantine:
        bad = bad.iloc[:0]
    clean = made[~week_of(made["event_timestamp"]).isin(set(bad["week"]))]
    start = as_of.tz_convert(story.TIMEZONE).normalize() - pd.Timedelta(days=holdout_days)
    train_rows, holdout = clean[clean["event_timestamp"] < start], clean[clean["event_timestamp"] >= start]
    frauds = int(known.loc[train_rows.index].sum())
    if len(train_rows) < MIN_TRAIN_ROWS or frauds < MIN_TRAIN_FRAUDS or holdout.empty:
        raise CTError(f"too little clean data as of {as_of:%Y-%m-%d}: {len(train_rows):,} training rows with "
                      f"{frauds} known frauds and {len(holdout):,} holdout rows (need {MIN_TRAIN_ROWS:,}, "
                      f"{MIN_TRAIN_FRAUDS} and some); fix the failing batches or wait for more data")
    return Plan(as_of=as_of, train=train_rows, labels=known.loc[train_rows.index],
                holdout=holdout.assign(is_fraud=known.loc[holdout.index].to_numpy()), holdout_start=start,
                holdout_days=holdout_days, quarantined=bad.reset_index(drop=True))
