"""Collect scam: a "buyer" or "refund desk" sends collect requests that the victim approves.

Signature: the collect channel (the payee asks, the payer approves), round amounts,
person-to-person payees created days before, each scammer working a few victims.
"""

from __future__ import annotations

import numpy as np

from ..calendar import DAY, N_DAYS, YEAR_END, Calendar, draw_days, draw_times_of_day
from ..entities import World
from ..payments import P2P_CAP, Payments, fraud_rows
from ..sampling import bursts, pick
from ..vocabulary import COLLECT, INTENT, PERSON
from .common import FirstIds, Typology, incidents_per_rows, new_payees, no_devices

NAME = "collect_scam"
#: Approved requests per victim: 1 plus a capped Poisson number (mean ROWS_PER_INCIDENT).
MIN_ROWS, EXTRA_ROWS_MEAN, MAX_EXTRA_ROWS, ROWS_PER_INCIDENT = 1, 1.0, 4, 2.0
VICTIMS_PER_SCAMMER = 2.5
#: A scammer works around a centre day (not after LAST_CENTRE_DAY, so the year holds the
#: spread), plus or minus SPREAD_DAYS; their UPI id is created days before its first use.
LAST_CENTRE_DAY, SPREAD_DAYS = 357, 6
ONBOARDED_BEFORE_DAYS = (1, 30)
MEAN_GAP_S = 180.0
#: Amounts: mostly round sums ("pay 4,999 to receive your refund"), else log-normal.
ROUND_SHARE, MEDIAN_AMOUNT, AMOUNT_SIGMA = 0.8, 3000, 0.7
ROUND_AMOUNTS = np.array([499, 999, 1000, 1999, 2000, 2500, 4999, 5000, 7500, 9999, 10000, 15000, 20000, 25000], float)
ROUND_WEIGHTS = np.array([4, 6, 8, 6, 8, 5, 6, 8, 3, 5, 6, 3, 3, 2], float)
#: Collect requests; the rest are intent payments the scammer talked the victim into.
COLLECT_SHARE = 0.85


def draw(rng: np.random.Generator, n_transactions: int, calendar: Calendar, world: World, first: FirstIds) -> Typology:
    n_victims = incidents_per_rows(NAME, n_transactions, ROWS_PER_INCIDENT)
    sizes = MIN_ROWS + np.minimum(rng.poisson(EXTRA_ROWS_MEAN, n_victims), MAX_EXTRA_ROWS)
    n_scammers = max(1, int(np.ceil(n_victims / VICTIMS_PER_SCAMMER)))
    centre = draw_days(rng, calendar, n_scammers, 0, LAST_CENTRE_DAY)
    scammer_of = rng.integers(0, n_scammers, n_victims)
    day = np.clip(centre[scammer_of] + rng.integers(-SPREAD_DAYS, SPREAD_DAYS + 1, n_victims), 0, N_DAYS - 2)
    t0 = day * DAY + draw_times_of_day(rng, n_victims)
    first_use = np.full(n_scammers, YEAR_END, np.int64)
    np.minimum.at(first_use, scammer_of, t0)
    lo, hi = ONBOARDED_BEFORE_DAYS
    scammer, payees = new_payees(rng, first.payee, PERSON, 0, first_use - rng.integers(lo * DAY, hi * DAY, n_scammers))
    victim = world.victims(rng, NAME, n_victims)
    victim_of_row, offset = bursts(rng, sizes, MEAN_GAP_S)
    t = t0[victim_of_row] + offset
    m = len(t)
    amount = np.where(rng.random(m) < ROUND_SHARE, ROUND_AMOUNTS[pick(rng, np.cumsum(ROUND_WEIGHTS), m)],
                      np.round(rng.lognormal(np.log(MEDIAN_AMOUNT), AMOUNT_SIGMA, m)))
    channel = np.where(rng.random(m) < COLLECT_SHARE, COLLECT, INTENT)
    customer = victim[victim_of_row]
    payments = Payments(customer, t, scammer[scammer_of][victim_of_row], np.clip(amount, 1, P2P_CAP), channel,
                        world.phones.at(customer, t))
    return Typology(fraud_rows(NAME, payments, unit=victim_of_row), payees, no_devices())
