"""The new scam (scenario ``new_scam``): fake "electricity bill overdue / KYC update" billers.

From ``story.NEW_SCAM_START`` on, SMS links send victims (mostly older customers) to
pay fake utility billers created days before, by intent, during office hours. The wave
ramps (``story.NEW_SCAM_RAMP``: new billers start in proportion to it and to the day's
traffic) to a plateau that lasts to the year's end. A model trained before has never seen it. It is drawn even when the scenario is off,
so that switching it off changes nothing else (see ``simulate``).
"""

from __future__ import annotations

import numpy as np

from ... import story
from ..calendar import DAY, N_DAYS, Calendar, day_index, draw_times_of_day
from ..entities import World
from ..payments import Payments, fraud_rows
from ..sampling import cdf
from ..vocabulary import CATEGORY_CODE, COLLECT, INTENT, MERCHANT
from .common import FirstIds, Typology, days_within, incidents_per_rows, new_payees, no_devices

NAME = "new_scam"
#: Payments per fake biller: MIN_ROWS plus a Poisson number (mean ROWS_PER_BILLER).
MIN_ROWS, EXTRA_ROWS_MEAN, ROWS_PER_BILLER = 2, 3.0, 5.0
#: A biller runs for [3, 11) days, starting at least LAST_DAYS_FREE days before the year
#: ends; it was onboarded days before (range).
ACTIVE_DAYS, LAST_DAYS_FREE, ONBOARDED_BEFORE_DAYS = (3, 11), 5, (1, 14)
#: The SMS links go out in office hours (IST).
OFFICE_HOURS_IST = range(9, 21)
OFFICE_HOURS_CDF = cdf(np.array(story.DAILY_RHYTHM_IST) * np.isin(np.arange(24), OFFICE_HOURS_IST))
#: Amounts: some small "verification" payments of [10, 100) rupees, else the "bill" (log-normal, paise):
#: an overdue electricity bill plus a "reconnection fee", a few thousand rupees.
SMALL_SHARE, SMALL_AMOUNTS, MEDIAN_BILL, BILL_SIGMA = 0.12, (10, 100), 2600, 0.6
INTENT_SHARE = 0.95


def draw(rng: np.random.Generator, n_transactions: int, calendar: Calendar, world: World, first: FirstIds) -> Typology:
    n_billers = incidents_per_rows(NAME, n_transactions, ROWS_PER_BILLER)
    sizes = MIN_ROWS + rng.poisson(EXTRA_ROWS_MEAN, n_billers)
    start = _start_days(rng, calendar, n_billers)
    duration = rng.integers(*ACTIVE_DAYS, n_billers)
    lo, hi = ONBOARDED_BEFORE_DAYS
    onboarded = start * DAY - rng.integers(lo * DAY, hi * DAY, n_billers)
    fake, payees = new_payees(rng, first.payee, MERCHANT, CATEGORY_CODE["utilities"], onboarded)
    biller_of_row = np.repeat(np.arange(n_billers), sizes)
    m = len(biller_of_row)
    day = days_within(rng, start, duration, biller_of_row)
    t = day * DAY + draw_times_of_day(rng, m, OFFICE_HOURS_CDF)
    customer = world.victims(rng, NAME, m)
    amount = np.where(rng.random(m) < SMALL_SHARE, rng.integers(*SMALL_AMOUNTS, m).astype(float),
                      np.round(rng.lognormal(np.log(MEDIAN_BILL), BILL_SIGMA, m), 2))
    channel = np.where(rng.random(m) < INTENT_SHARE, INTENT, COLLECT)
    payments = Payments(customer, t, fake[biller_of_row], amount, channel, world.phones.at(customer, t))
    return Typology(fraud_rows(NAME, payments, unit=np.arange(m)), payees, no_devices())


def ramp(days: np.ndarray) -> np.ndarray:
    """The wave's relative intensity on each IST day index (0 before it starts), from ``story.NEW_SCAM_RAMP``."""
    knots = [(day_index(d), v) for d, v in story.NEW_SCAM_RAMP]
    return np.interp(days, [k for k, _ in knots], [v for _, v in knots], left=0.0, right=0.0)


def _start_days(rng: np.random.Generator, calendar: Calendar, n: int) -> np.ndarray:
    """Each fake biller's first day: in proportion to the wave's intensity and the day's traffic."""
    days = np.arange(N_DAYS)
    volume = np.diff(calendar.day_cdf, prepend=0.0)
    weight = ramp(days) * volume * (days < N_DAYS - LAST_DAYS_FREE)
    cum = np.cumsum(weight) / weight.sum()
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), N_DAYS - LAST_DAYS_FREE - 1).astype(np.int64)
