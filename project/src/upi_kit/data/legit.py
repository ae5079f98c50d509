"""Legitimate payments: who pays, when, whom, how much, through which channel and device.

One function of its random stream and the world; the steps below consume the stream
in a fixed order (payers and times, payees, amounts, channels, devices).
"""

from __future__ import annotations

import numpy as np

from .. import story
from .calendar import DAY, N_DAYS, YEAR_END, Calendar, draw_times_of_day
from .entities import CONTACT_SKEW, CONTACTS_PER_CUSTOMER, Customers, Phones, World
from .payments import P2M_CAP, P2P_CAP, Payments
from .sampling import cdf, pick, round_to
from .vocabulary import CATEGORY_CODE, COLLECT, INTENT, N_MERCHANT_CATEGORIES, QR

#: Follow-ups: a second payment minutes after an earlier one (shopping, splitting a bill),
#: often to the same payee. Gap: exponential mean plus a minimum (seconds).
FOLLOW_UP_SHARE, FOLLOW_UP_SAME_PAYEE = 0.12, 0.25
FOLLOW_UP_GAP_MEAN_S, FOLLOW_UP_MIN_GAP_S = 900.0, 30
#: People mostly pay their own contacts (the first more often), else anyone; merchants:
#: mostly one's favourite of the category, else a popular one.
OWN_CONTACT_SHARE, FAVOURITE_MERCHANT_SHARE = 0.93, 0.75
CONTACT_CDF = cdf(1.0 / np.arange(1, CONTACTS_PER_CUSTOMER + 1))
#: Median amount (rupees) and log-normal spread per category, "p2p" first.
AMOUNT_MEDIAN = np.array([700, 420, 320, 1300, 3800, 300, 1250, 2300, 220, 5200, 700, 550], float)
AMOUNT_SIGMA = np.array([1.05, 0.8, 0.6, 0.75, 0.95, 0.5, 0.65, 0.9, 1.0, 0.85, 0.5, 0.85])
#: Mobile recharges are plan prices.
RECHARGE_PLANS = np.array([19, 49, 155, 199, 239, 299, 349, 399, 449, 579, 666, 719, 859, 999, 1799, 3599], float)
RECHARGE_WEIGHTS = np.array([2, 3, 4, 8, 8, 12, 10, 9, 6, 5, 5, 6, 4, 4, 2, 2], float)
#: People round: to 100 (10 below 300 rupees), to 10, or to the rupee; merchants charge whole
#: rupees or rupees and paise. Thresholds on one uniform draw.
P2P_ROUND_100_BELOW, P2P_ROUND_10_BELOW, SMALL_P2P_INR = 0.55, 0.85, 300
P2M_WHOLE_RUPEES_BELOW = 0.45
#: Channels of person-to-person payments (the rest is intent), and of merchant payments:
#: a few collects, then intent (online checkout) by category, else a QR code.
P2P_COLLECT_BELOW, P2P_QR_BELOW = 0.07, 0.22
P2M_COLLECT_BELOW, P2M_INTENT_OF_THE_REST = 0.03, 0.97
INTENT_SHARE = np.array([0.0, 0.15, 0.35, 0.45, 0.7, 0.92, 0.88, 0.8, 0.93, 0.55, 0.05, 0.3])
#: Share of a customer's payments made from their second device, if they have one.
SECOND_DEVICE_USE = 0.15


def legit_payments(rng: np.random.Generator, n: int, calendar: Calendar, world: World) -> Payments:
    """n legitimate payments, in no particular order."""
    customer, t, parent = _payers_and_times(rng, n, calendar, world.customers)
    day = t // DAY
    payee = _payees(rng, customer, t, parent, calendar, world)
    category = world.payees.category[payee].astype(np.int64)
    amount = _amounts(rng, customer, day, category, calendar, world.customers)
    channel = _channels(rng, category)
    device = _devices(rng, customer, t, world.phones)
    return Payments(customer, t, payee, amount, channel, device)


def _payers_and_times(rng: np.random.Generator, n: int, calendar: Calendar,
                      customers: Customers) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Payer and time of each payment; follow-ups (the last rows) name their parent row."""
    n_follow = int(n * FOLLOW_UP_SHARE)
    n_base = n - n_follow
    customer = pick(rng, customers.payer_cum, n_base)
    first_day = customers.first_day[customer]
    lo = calendar.day_before[first_day]
    day = np.searchsorted(calendar.day_cdf, lo + rng.random(n_base) * (1.0 - lo), side="left")
    day = np.clip(day, first_day, N_DAYS - 1)
    t = day * DAY + draw_times_of_day(rng, n_base)
    parent = rng.integers(0, n_base, n_follow)
    gap = (rng.exponential(FOLLOW_UP_GAP_MEAN_S, n_follow) + FOLLOW_UP_MIN_GAP_S).astype(np.int64)
    t_follow = np.minimum(t[parent] + gap, YEAR_END - 1)
    return np.concatenate([customer, customer[parent]]), np.concatenate([t, t_follow]), parent


def _payees(rng: np.random.Generator, customer: np.ndarray, t: np.ndarray, parent: np.ndarray, calendar: Calendar,
            world: World) -> np.ndarray:
    """A contact (or anyone) for people; a favourite (or popular) merchant of the day's category mix."""
    n, n_follow = len(t), len(parent)
    n_base = n - n_follow
    day = t // DAY
    is_p2p = rng.random(n) < world.customers.p2p_share[customer]
    category = 1 + np.searchsorted(calendar.category_cdf, day + rng.random(n), side="right") - day * N_MERCHANT_CATEGORIES
    category = np.clip(category, 1, N_MERCHANT_CATEGORIES)
    k = np.minimum(np.searchsorted(CONTACT_CDF, rng.random(n), side="right"), CONTACTS_PER_CUSTOMER - 1)
    network = world.network
    own_contact = rng.random(n) < OWN_CONTACT_SHARE
    anyone = np.floor(network.n_people * rng.random(n) ** CONTACT_SKEW).astype(np.int64)
    person = np.where(own_contact, network.contacts[customer, k], anyone)
    favourite = rng.random(n) < FAVOURITE_MERCHANT_SHARE
    merchant = np.where(favourite, network.favourites[customer, category - 1], network.popular(rng, category))
    payee = np.where(is_p2p, person, merchant)
    same = np.flatnonzero(rng.random(n_follow) < FOLLOW_UP_SAME_PAYEE) + n_base
    payee[same] = payee[parent[same - n_base]]
    return world.live_payee(payee, t)


def _amounts(rng: np.random.Generator, customer: np.ndarray, day: np.ndarray, category: np.ndarray, calendar: Calendar,
             customers: Customers) -> np.ndarray:
    """Rupees: log-normal by category and customer, rent days, festive shift, recharge plans, rounding."""
    n = len(customer)
    is_p2p = category == CATEGORY_CODE["p2p"]
    z = rng.standard_normal(n)
    amount = AMOUNT_MEDIAN[category] * customers.amount_scale[customer] * np.exp(AMOUNT_SIGMA[category] * z)
    rent = is_p2p & calendar.rent_day[day] & (rng.random(n) < story.RENT_PAYMENT_SHARE)
    amount = np.where(rent, amount * story.RENT_AMOUNT_MULTIPLIER, amount)
    shift = np.where(is_p2p, story.FESTIVE_P2P_AMOUNT_LOG_SHIFT, story.FESTIVE_MERCHANT_AMOUNT_LOG_SHIFT)
    amount = amount * np.exp(shift * calendar.festive[day])
    plans = RECHARGE_PLANS[pick(rng, np.cumsum(RECHARGE_WEIGHTS), n)]
    amount = np.where(category == CATEGORY_CODE["recharge"], plans, amount)
    return _rounded(amount, rng.random(n), is_p2p)


def _rounded(amount: np.ndarray, u: np.ndarray, is_p2p: np.ndarray) -> np.ndarray:
    """Round as people and merchants do (``u``: one uniform per payment), within the NPCI limits."""
    to_100 = np.where(amount >= SMALL_P2P_INR, round_to(amount, 100), round_to(amount, 10))
    p2p = np.where(u < P2P_ROUND_100_BELOW, to_100,
                   np.where(u < P2P_ROUND_10_BELOW, round_to(amount, 10), np.round(amount)))
    p2m = np.where(u < P2M_WHOLE_RUPEES_BELOW, np.round(amount), np.round(amount, 2))
    return np.where(is_p2p, np.clip(p2p, 1, P2P_CAP), np.clip(p2m, 1, P2M_CAP))


def _channels(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    u = rng.random(len(category))
    p2p = np.where(u < P2P_COLLECT_BELOW, COLLECT, np.where(u < P2P_QR_BELOW, QR, INTENT))
    intent_below = P2M_COLLECT_BELOW + P2M_INTENT_OF_THE_REST * INTENT_SHARE[category]
    p2m = np.where(u < P2M_COLLECT_BELOW, COLLECT, np.where(u < intent_below, INTENT, QR))
    return np.where(category == CATEGORY_CODE["p2p"], p2p, p2m)


def _devices(rng: np.random.Generator, customer: np.ndarray, t: np.ndarray, phones: Phones) -> np.ndarray:
    """The phone in use at the time, or now and then the customer's second device."""
    device = phones.at(customer, t)
    second = phones.has_second[customer] & (rng.random(len(customer)) < SECOND_DEVICE_USE)
    return np.where(second, phones.second[customer], device)
