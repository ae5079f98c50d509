"""The year's clock: on which IST days and hours payments fall, and how the festive season tilts them.

Internal times are whole seconds since 2025-01-01 00:00 IST (int64): cheap to draw
and compare; the tables turn them into UTC timestamps at the very end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np

from .. import story
from .sampling import cdf
from .vocabulary import CATEGORY_CODE

DAY = 86_400
HOUR = 3_600
N_DAYS = (story.LAST_DAY - story.FIRST_DAY).days + 1
#: End of the year in internal seconds; no payment happens at or after it.
YEAR_END = N_DAYS * DAY
#: UTC epoch seconds of 2025-01-01 00:00 IST, the zero of internal times.
EPOCH = int(datetime(story.YEAR, 1, 1, tzinfo=timezone(story.IST_OFFSET)).timestamp())
#: Share of merchant payments per category (grocery ... health, in vocabulary order).
CATEGORY_MIX = np.array([0.24, 0.18, 0.07, 0.04, 0.08, 0.07, 0.05, 0.04, 0.03, 0.10, 0.10])
#: Weekend multipliers of some categories' share: people eat out and travel, schools are shut.
WEEKEND_CATEGORY = {"food": 1.3, "fashion": 1.25, "travel": 1.2, "education": 0.6, "utilities": 0.8}
#: Saturday and Sunday (``date.weekday()``).
WEEKEND_FROM = 5
#: Hour of day of a payment, as a cdf over the IST hours 0..23.
HOUR_CDF = cdf(story.DAILY_RHYTHM_IST)
#: Shrinks the per-day category cdfs below 1 so that day d's values stay below day d+1's
#: once the day is added: one searchsorted over all days then finds the category.
_CDF_SHRINK = 1 - 1e-9


def seconds_at(d: date) -> int:
    """Internal time (seconds since 2025-01-01 00:00 IST) at the start of IST day ``d``."""
    return (d - story.FIRST_DAY).days * DAY


def day_index(d: date) -> int:
    """IST day ``d`` counted from 1 January 2025 (0), negative before it."""
    return (d - story.FIRST_DAY).days


@dataclass(frozen=True, eq=False)
class Calendar:
    """Per-day tables of the year (index: IST day 0..364), built once per dataset."""

    #: Festive intensity per day, 0..1 (all 0 without the ``festive_drift`` scenario).
    festive: np.ndarray
    #: Days on which person-to-person payments may be rent.
    rent_day: np.ndarray
    #: P(day <= d) and P(day < d) under the volume curve.
    day_cdf: np.ndarray
    day_before: np.ndarray
    #: Per-day cdfs over the merchant categories, flattened as day + cdf (see _CDF_SHRINK).
    category_cdf: np.ndarray
    #: Release time of each app version (``story.APP_RELEASES``).
    release_times: np.ndarray


def build_calendar(festive_drift: bool) -> Calendar:
    """The calendar of the year, with or without the festive season's drift."""
    days = np.arange(N_DAYS)
    dates = [story.FIRST_DAY + timedelta(days=int(d)) for d in days]
    weekend = np.array([d.weekday() for d in dates]) >= WEEKEND_FROM
    day_of_month = np.array([d.day for d in dates])
    month_end = np.array([(d + timedelta(days=1)).day == 1 for d in dates])
    festive = _festive_intensity(days) if festive_drift else np.zeros(N_DAYS)
    volume = 1.0 + story.YEARLY_GROWTH * days / (N_DAYS - 1)
    volume = volume * np.where(weekend, story.WEEKEND_VOLUME, 1.0)
    salary_day = np.isin(day_of_month, story.SALARY_DAYS_OF_MONTH) | month_end
    volume = volume * np.where(salary_day, story.SALARY_DAY_VOLUME, 1.0)
    volume = volume * (1.0 + story.FESTIVE_VOLUME_UPLIFT * festive)
    day_cdf = cdf(volume)
    return Calendar(
        festive=festive,
        rent_day=np.isin(day_of_month, story.RENT_DAYS_OF_MONTH),
        day_cdf=day_cdf,
        day_before=np.concatenate([[0.0], day_cdf[:-1]]),
        category_cdf=_category_cdf(days, weekend, festive),
        release_times=np.array([seconds_at(d) for _, d in story.APP_RELEASES], dtype=np.int64),
    )


def _festive_intensity(days: np.ndarray) -> np.ndarray:
    knots = [(day_index(d), v) for d, v in story.FESTIVE_INTENSITY]
    return np.interp(days, [k for k, _ in knots], [v for _, v in knots], left=0.0, right=0.0)


def _category_cdf(days: np.ndarray, weekend: np.ndarray, festive: np.ndarray) -> np.ndarray:
    """Merchant category mix per day, flattened so that one searchsorted serves every day."""
    mix = np.tile(CATEGORY_MIX, (N_DAYS, 1))
    for category, factor in WEEKEND_CATEGORY.items():
        mix[weekend, CATEGORY_CODE[category] - 1] *= factor
    for category, factor in story.FESTIVE_CATEGORY_MULTIPLIER.items():
        mix[:, CATEGORY_CODE[category] - 1] *= factor ** festive
    cum = np.cumsum(mix, axis=1) / mix.sum(axis=1, keepdims=True)
    cum[:, -1] = 1.0
    return (cum * _CDF_SHRINK + days[:, None]).ravel()


def draw_days(rng: np.random.Generator, calendar: Calendar, m: int, first: int = 0, last: int = N_DAYS - 1) -> np.ndarray:
    """m IST days drawn from the volume curve, restricted to [first, last]: fraud follows the traffic."""
    lo, hi = calendar.day_before[first], calendar.day_cdf[last]
    d = np.searchsorted(calendar.day_cdf, lo + rng.random(m) * (hi - lo), side="left")
    return np.clip(d, first, last).astype(np.int64)


def draw_times_of_day(rng: np.random.Generator, m: int, hour_cdf: np.ndarray = HOUR_CDF) -> np.ndarray:
    """m times of day (seconds) following an hourly profile, uniform within the hour."""
    hour = np.minimum(np.searchsorted(hour_cdf, rng.random(m), side="right"), len(hour_cdf) - 1)
    return hour * HOUR + rng.integers(0, HOUR, m)
