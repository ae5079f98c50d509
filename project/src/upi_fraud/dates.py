"""IST days and weeks: the story's calendar is Indian, its timestamps are UTC.

Payments are stored in UTC, as production systems should. People live in IST (UTC+05:30, no
daylight saving): a day's budget, a night, a weekly batch are IST. These are the one place the
project converts, so "which day", "when does it start" and "which week" mean the same everywhere.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from upi_kit import story

#: Production starts at go-live, 00:00 IST (1 September 2025), here as a UTC instant.
GO_LIVE = pd.Timestamp(story.GO_LIVE, tz=story.TIMEZONE).tz_convert("UTC")


def ist_dates(timestamps: pd.Series) -> pd.Series:
    """The IST calendar date of each UTC timestamp."""
    return timestamps.dt.tz_convert(story.TIMEZONE).dt.date


def day_start(day: date | str) -> pd.Timestamp:
    """The first instant of an IST calendar day, as a UTC timestamp."""
    return pd.Timestamp(str(day), tz=story.TIMEZONE).tz_convert("UTC")


def as_of(moment: str | date | pd.Timestamp) -> pd.Timestamp:
    """A moment in IST: a date means its 00:00 IST; an aware time is converted, a naive one read as IST."""
    stamp = pd.Timestamp(moment)
    return stamp.tz_localize(story.TIMEZONE) if stamp.tz is None else stamp.tz_convert(story.TIMEZONE)


def monday(day: date | str | pd.Timestamp) -> date:
    """The Monday (an IST date) of the week that holds `day` (a date, or a time read in IST)."""
    moment = as_of(day).tz_localize(None).normalize()
    return (moment - pd.Timedelta(days=moment.dayofweek)).date()


def week_of(timestamps: pd.Series) -> pd.Series:
    """The Monday (an IST date) of each UTC timestamp's week: the weekly batch a payment belongs to."""
    day = timestamps.dt.tz_convert(story.TIMEZONE).dt.tz_localize(None).dt.normalize()
    return (day - pd.to_timedelta(day.dt.dayofweek, unit="D")).dt.date


def mondays(first: date | str, end: date | str) -> list[date]:
    """The Mondays from the week holding `first` up to (not including) the IST day `end`."""
    last = pd.Timestamp(str(end)) - pd.Timedelta(days=1)
    return [d.date() for d in pd.date_range(str(monday(first)), last, freq="W-MON")]
