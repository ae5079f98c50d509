"""QR scam: a fake merchant's QR code (a sticker over the real one, a fake shop) collects payments.

Signature: QR payments to a merchant onboarded days before, from many distinct
customers within a few days, at amounts like the category's, often just below a round sum.
"""

from __future__ import annotations

import numpy as np

from ..calendar import DAY, Calendar, draw_days, draw_times_of_day
from ..entities import World
from ..legit import AMOUNT_MEDIAN
from ..payments import P2M_CAP, Payments, fraud_rows
from ..sampling import round_to
from ..vocabulary import CATEGORY_CODE, MERCHANT, QR
from .common import FirstIds, Typology, days_within, incidents_per_rows, new_payees, no_devices

NAME = "qr_scam"
#: Payments per fake merchant: MIN_ROWS plus a Poisson number (mean ROWS_PER_MERCHANT).
MIN_ROWS, EXTRA_ROWS_MEAN, ROWS_PER_MERCHANT = 3, 6.0, 9.0
#: A fake merchant operates for [2, 10) days, starting no later than LAST_START_DAY; it was
#: onboarded days before (range).
LAST_START_DAY, ACTIVE_DAYS, ONBOARDED_BEFORE_DAYS = 352, (2, 10), (1, 25)
CATEGORY_SHARES = {"electronics": 0.35, "fashion": 0.25, "food": 0.15, "travel": 0.15, "gaming": 0.10}
#: Amounts: the category's median, a little higher, log-normal; half priced just below a
#: multiple of 500 ("999"), never below 99; the rest with paise.
AMOUNT_FACTOR, AMOUNT_SIGMA, JUST_BELOW_SHARE, MIN_JUST_BELOW = 1.3, 0.6, 0.5, 99


def draw(rng: np.random.Generator, n_transactions: int, calendar: Calendar, world: World, first: FirstIds) -> Typology:
    n_merchants = incidents_per_rows(NAME, n_transactions, ROWS_PER_MERCHANT)
    sizes = MIN_ROWS + rng.poisson(EXTRA_ROWS_MEAN, n_merchants)
    start = draw_days(rng, calendar, n_merchants, 0, LAST_START_DAY)
    duration = rng.integers(*ACTIVE_DAYS, n_merchants)
    codes = np.array([CATEGORY_CODE[c] for c in CATEGORY_SHARES])
    category = codes[rng.choice(len(codes), n_merchants, p=list(CATEGORY_SHARES.values()))]
    lo, hi = ONBOARDED_BEFORE_DAYS
    onboarded = start * DAY - rng.integers(lo * DAY, hi * DAY, n_merchants)
    fake, payees = new_payees(rng, first.payee, MERCHANT, category, onboarded)
    merchant_of_row = np.repeat(np.arange(n_merchants), sizes)
    m = len(merchant_of_row)
    day = days_within(rng, start, duration, merchant_of_row)
    t = day * DAY + draw_times_of_day(rng, m)
    customer = world.victims(rng, NAME, m)
    amount = AMOUNT_MEDIAN[category[merchant_of_row]] * AMOUNT_FACTOR * rng.lognormal(0.0, AMOUNT_SIGMA, m)
    amount = np.where(rng.random(m) < JUST_BELOW_SHARE, np.maximum(round_to(amount, 500) - 1, MIN_JUST_BELOW),
                      np.round(amount, 2))
    payments = Payments(customer, t, fake[merchant_of_row], np.clip(amount, 1, P2M_CAP), np.full(m, QR),
                        world.phones.at(customer, t))
    return Typology(fraud_rows(NAME, payments, unit=np.arange(m)), payees, no_devices())
