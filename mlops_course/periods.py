"""The course's periods, computed one way: IST calendar dates and the reference time split.

The dataset stores UTC timestamps; the story's dates (train to 30 June, validate July,
test August, production from go-live) are IST dates. Converting and splitting was written
out in checks, tests and benches alike; this is the one reference they share. (The
learner writes their own split in lab 01: the project must run without this package.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from upi_kit import story

if TYPE_CHECKING:
    import pandas as pd

#: Period names in time order, with the last IST date of each (production runs to the end of the data).
PERIODS: tuple[str, ...] = ("train", "valid", "test", "production")


def ist_dates(timestamps: pd.Series) -> pd.Series:
    """The IST calendar date of each UTC timestamp."""
    return timestamps.dt.tz_convert(story.TIMEZONE).dt.date


def ist_hours(timestamps: pd.Series) -> pd.Series:
    """The IST hour (0-23) of each UTC timestamp."""
    return timestamps.dt.tz_convert(story.TIMEZONE).dt.hour


def period_of(timestamps: pd.Series) -> pd.Series:
    """Which period ("train", "valid", "test", "production") each payment belongs to."""
    import numpy as np
    import pandas as pd

    day = ist_dates(timestamps)
    names = np.select(
        [day <= story.TRAIN_END, day <= story.VALID_END, day <= story.TEST_END],
        ["train", "valid", "test"], default="production",
    )
    return pd.Series(names, index=timestamps.index, name="period")


def reference_split(payments: pd.DataFrame, timestamp: str = "event_timestamp") -> dict[str, pd.DataFrame]:
    """The course's time split of a payments frame, by IST date: one frame per period, in time order."""
    period = period_of(payments[timestamp])
    return {name: payments[period == name] for name in PERIODS}
