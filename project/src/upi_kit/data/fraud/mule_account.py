"""Mule accounts: accounts opened to launder scam money, which they receive from many victims and move on.

Signature: a person-to-person payee paid by ten or more distinct customers within
days, whose own (young, freshly opened) account then pays most of it onward within
a day, in a few large round payments to the next layer of mules.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..calendar import DAY, Calendar, draw_times_of_day
from ..entities import MulePlan, Payees, World
from ..payments import P2P_CAP, FraudRows, Payments, concat_fraud_rows, fraud_rows
from ..sampling import round_to
from ..vocabulary import COLLECT, INTENT, PERSON, QR
from .common import FirstIds, Typology, incidents_per_rows, new_payees, no_devices

NAME = "mule_account"
#: Rows per mule, in and out (sets how many mules give the typology its share of the rows).
ROWS_PER_MULE = 23
#: A mule starts receiving on a day in [first, last); its account was opened days before.
START_DAYS, OPENED_BEFORE_DAYS = (5, 356), (10, 90)
#: Money in: MIN_PAYERS plus a Poisson number of victims pay the mule over [1, 5) days;
#: the mule's UPI id was created days before (range).
MIN_PAYERS, EXTRA_PAYERS_MEAN, RECEIVING_DAYS, ONBOARDED_BEFORE_DAYS = 10, 10.0, (1, 5), (7, 45)
#: Amounts in: log-normal, mostly rounded to 100, at least MIN_AMOUNT.
MEDIAN_IN, SIGMA_IN, ROUND_100_SHARE, MIN_AMOUNT = 2500, 0.9, 0.6, 100
#: Channels in: intent, then QR, else collect (thresholds on one uniform draw).
INTENT_BELOW, QR_BELOW = 0.7, 0.9
#: Money out: this share of what came in, in payments of up to about MAX_OUT_PAYMENT (plus
#: a Poisson number, 1..MAX_OUT_PAYMENTS in all), to two next-layer mules onboarded days
#: before the start (range), from OUT_AFTER_S seconds to a day after the last payment in.
FORWARDED_SHARE, MAX_OUT_PAYMENT, EXTRA_OUT_MEAN, MAX_OUT_PAYMENTS = 0.92, 90_000, 1.0, 8
LAYER_ONBOARDED_BEFORE_DAYS, OUT_AFTER_S = (3, 40), 1800


def plan(rng: np.random.Generator, n_transactions: int) -> MulePlan:
    """Drawn before any payment: mules are customers, so the world needs their accounts first."""
    n_mules = incidents_per_rows(NAME, n_transactions, ROWS_PER_MULE)
    start_day = rng.integers(*START_DAYS, n_mules)
    return MulePlan(start_day=start_day, opened_day=start_day - rng.integers(*OPENED_BEFORE_DAYS, n_mules))


class MoneyIn(NamedTuple):
    """The victims' payments to the mules, and what the money-out step needs of them."""

    rows: FraudRows
    payees: Payees  # the mules' UPI ids, one per mule
    mule_of_row: np.ndarray
    t: np.ndarray  # before fraud_rows caps times at the year's end
    amount: np.ndarray


def draw(rng: np.random.Generator, n_transactions: int, calendar: Calendar, world: World, first: FirstIds) -> Typology:
    """Uses ``world.mules``, which ``plan`` drew earlier from this same stream."""
    money_in = _money_in(rng, world, first.payee)
    rows_out, layer_payees = _money_out(rng, world, money_in, first.payee + len(money_in.payees))
    rows = concat_fraud_rows([money_in.rows, rows_out])
    return Typology(rows, Payees.concat([money_in.payees, layer_payees]), no_devices())


def _money_in(rng: np.random.Generator, world: World, first_payee: int) -> MoneyIn:
    """Many distinct victims (job and investment scams) pay each mule within days."""
    start = world.mules.start_day
    n_mules = len(start)
    n_payers = MIN_PAYERS + rng.poisson(EXTRA_PAYERS_MEAN, n_mules)
    receiving_days = rng.integers(*RECEIVING_DAYS, n_mules)
    lo, hi = ONBOARDED_BEFORE_DAYS
    mule, payees = new_payees(rng, first_payee, PERSON, 0, start * DAY - rng.integers(lo * DAY, hi * DAY, n_mules))
    mule_of_row = np.repeat(np.arange(n_mules), n_payers)
    m = len(mule_of_row)
    day = start[mule_of_row] + np.floor(rng.random(m) * receiving_days[mule_of_row]).astype(np.int64)
    t = day * DAY + draw_times_of_day(rng, m)
    payer = world.victims(rng, NAME, m)
    amount = rng.lognormal(np.log(MEDIAN_IN), SIGMA_IN, m)
    amount = np.clip(np.where(rng.random(m) < ROUND_100_SHARE, round_to(amount, 100), np.round(amount)),
                     MIN_AMOUNT, P2P_CAP)
    u = rng.random(m)
    channel = np.where(u < INTENT_BELOW, INTENT, np.where(u < QR_BELOW, QR, COLLECT))
    payments = Payments(payer, t, mule[mule_of_row], amount, channel, world.phones.at(payer, t))
    rows = fraud_rows(NAME, payments, unit=np.arange(m), reporting="mule_in")
    return MoneyIn(rows, payees, mule_of_row, t, amount)


def _money_out(rng: np.random.Generator, world: World, money_in: MoneyIn,
               first_payee: int) -> tuple[FraudRows, Payees]:
    """The mule's own account moves most of it onward within a day; returns the rows and the next layer."""
    start = world.mules.start_day
    n_mules = len(start)
    received = np.bincount(money_in.mule_of_row, weights=money_in.amount, minlength=n_mules)
    last_in = np.zeros(n_mules, np.int64)
    np.maximum.at(last_in, money_in.mule_of_row, money_in.t)
    n_out = np.ceil(FORWARDED_SHARE * received / MAX_OUT_PAYMENT).astype(int) + rng.poisson(EXTRA_OUT_MEAN, n_mules)
    n_out = np.clip(n_out, 1, MAX_OUT_PAYMENTS)
    lo, hi = LAYER_ONBOARDED_BEFORE_DAYS
    onboarded = np.repeat(start * DAY, 2) - rng.integers(lo * DAY, hi * DAY, 2 * n_mules)
    layer, payees = new_payees(rng, first_payee, PERSON, 0, onboarded)
    mule_of_row = np.repeat(np.arange(n_mules), n_out)
    m = len(mule_of_row)
    t = last_in[mule_of_row] + rng.integers(OUT_AFTER_S, DAY, m)
    share = rng.exponential(1.0, m)
    share = share / np.bincount(mule_of_row, weights=share, minlength=n_mules)[mule_of_row]
    amount = np.clip(round_to(FORWARDED_SHARE * received[mule_of_row] * share, 100), MIN_AMOUNT, P2P_CAP)
    customer = world.customers.n_regular + mule_of_row  # the mule's own account
    payee = layer[2 * mule_of_row + (rng.random(m) < 0.5)]  # one of its two next-layer mules
    payments = Payments(customer, t, payee, amount, np.full(m, INTENT, np.int64), world.phones.at(customer, t))
    rows = fraud_rows(NAME, payments, unit=len(money_in.t) + mule_of_row, reporting="mule_out")
    return rows, payees
