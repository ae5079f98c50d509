"""Account takeover: after a SIM swap, a fraudster empties the victim's account in a night-time burst.

The signature a model can learn: a device registered minutes before, night hours,
large round amounts, to a fresh payee (a mule) or an electronics/gaming/travel merchant.
"""

from __future__ import annotations

import numpy as np

from ... import story
from ..calendar import DAY, HOUR, N_DAYS, Calendar, draw_days, draw_times_of_day
from ..entities import Devices, World
from ..payments import P2P_CAP, Payments, fraud_rows
from ..sampling import bursts, round_to
from ..vocabulary import CATEGORY_CODE, INTENT, PERSON, QR
from .common import FirstIds, Typology, incidents_per_rows, new_payees

NAME = "account_takeover"
#: Payments per takeover: MIN_ROWS plus a Poisson number, capped (mean ROWS_PER_INCIDENT).
MIN_ROWS, EXTRA_ROWS_MEAN, MAX_EXTRA_ROWS, ROWS_PER_INCIDENT = 2, 1.6, 5, 3.6
#: Share of takeovers at night (story.NIGHT_HOURS_IST); the rest follow the daily rhythm.
NIGHT_SHARE = 0.6
NIGHT_END_S = (max(story.NIGHT_HOURS_IST) + 1) * HOUR
#: Mean gap (seconds) between two payments of a burst.
MEAN_GAP_S = 240.0
#: The fraudster's phone: registered minutes before the first payment (seconds range).
DEVICE_IOS_SHARE, DEVICE_REGISTERED_BEFORE_S = 0.07, (300, 3600)
#: The mule receiving the money was onboarded days before (range in days).
MULE_ONBOARDED_BEFORE_DAYS = (2, 60)
#: Some payments buy resellable goods from a popular merchant instead.
MERCHANT_SHARE = 0.2
MERCHANT_CATEGORY_SHARES = {"electronics": 0.5, "gaming": 0.3, "travel": 0.2}
#: Amounts: log-normal, half rounded to thousands (the rest to hundreds), at least MIN_AMOUNT.
MEDIAN_AMOUNT, AMOUNT_SIGMA, ROUND_1000_SHARE, MIN_AMOUNT = 15_000, 0.75, 0.5, 500
#: Intent (the victim's own app) for all merchant payments and most others; else QR.
INTENT_SHARE = 0.92


def draw(rng: np.random.Generator, n_transactions: int, calendar: Calendar, world: World, first: FirstIds) -> Typology:
    n_takeovers = incidents_per_rows(NAME, n_transactions, ROWS_PER_INCIDENT)
    sizes = MIN_ROWS + np.minimum(rng.poisson(EXTRA_ROWS_MEAN, n_takeovers), MAX_EXTRA_ROWS)
    victim = world.victims(rng, NAME, n_takeovers)
    day = draw_days(rng, calendar, n_takeovers, 0, N_DAYS - 2)
    night = rng.random(n_takeovers) < NIGHT_SHARE
    t0 = day * DAY + np.where(night, rng.integers(0, NIGHT_END_S, n_takeovers), draw_times_of_day(rng, n_takeovers))
    takeover, offset = bursts(rng, sizes, MEAN_GAP_S)
    t = t0[takeover] + offset
    devices = Devices(os=(rng.random(n_takeovers) < DEVICE_IOS_SHARE).astype(np.int8),
                      first_seen=t0 - rng.integers(*DEVICE_REGISTERED_BEFORE_S, n_takeovers),
                      update_lag=np.zeros(n_takeovers, np.int64))
    lo, hi = MULE_ONBOARDED_BEFORE_DAYS
    mule, payees = new_payees(rng, first.payee, PERSON, 0, t0 - rng.integers(lo * DAY, hi * DAY, n_takeovers))
    m = len(t)
    to_merchant = rng.random(m) < MERCHANT_SHARE
    codes = np.array([CATEGORY_CODE[c] for c in MERCHANT_CATEGORY_SHARES])
    category = codes[rng.choice(len(codes), m, p=list(MERCHANT_CATEGORY_SHARES.values()))]
    merchant = world.live_payee(world.network.popular(rng, category), t)
    payee = np.where(to_merchant, merchant, mule[takeover])
    amount = rng.lognormal(np.log(MEDIAN_AMOUNT), AMOUNT_SIGMA, m)
    amount = np.where(rng.random(m) < ROUND_1000_SHARE, round_to(amount, 1000), round_to(amount, 100))
    channel = np.where(to_merchant | (rng.random(m) < INTENT_SHARE), INTENT, QR)
    payments = Payments(victim[takeover], t, payee, np.clip(amount, MIN_AMOUNT, P2P_CAP), channel,
                        first.device + takeover)
    return Typology(fraud_rows(NAME, payments, unit=takeover), payees, devices)
