"""Who pays whom with what: customers, payees and devices, drawn before any payment.

Everything here comes from the ``entities`` random stream, in a fixed order
(customers, then payees, then devices), except the mule accounts' plan, which the
mule typology draws from its own stream and hands in (mules are customers too).
Fraudsters' payees and devices are not here: each typology returns its own.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple, Self

import numpy as np

from .. import story
from .calendar import DAY, N_DAYS, YEAR_END, seconds_at
from .sampling import pick
from .vocabulary import MERCHANT, N_MERCHANT_CATEGORIES, PERSON, STATE_NAMES, STATES

#: Cumulative population weights of the states, for drawing where people live.
STATE_CUM = np.cumsum([w for _, w in STATES])
#: Entity counts per dataset size: payments per regular customer and per merchant, and
#: people who receive payments per customer (each has contacts outside the bank too).
PAYMENTS_PER_CUSTOMER, MIN_CUSTOMERS = 70, 150
PAYMENTS_PER_MERCHANT, MIN_MERCHANTS = 110, 80
PEOPLE_PAYEES_PER_CUSTOMER, MIN_PEOPLE_PAYEES = 1.6, 150
TIER_SHARES = (0.32, 0.36, 0.32)
#: States that are all metro (city tier 1).
METRO_STATES = ("Delhi", "Chandigarh")
AGE_SHARES = (0.24, 0.34, 0.22, 0.14, 0.06)
#: Mule accounts are young: 18-25, 26-35, 36-45.
MULE_AGE_SHARES = (0.5, 0.4, 0.1)
#: Accounts opened during 2025, on a day in [first, last).
NEW_ACCOUNT_SHARE, NEW_ACCOUNT_DAYS = 0.15, (1, 350)
FULL_KYC_SHARE_OLD, FULL_KYC_SHARE_NEW, FULL_KYC_SHARE_MULE = 0.9, 0.7, 0.4
#: How often a customer pays: log-normal spread; mules use their accounts for little else.
ACTIVITY_SIGMA, MULE_ACTIVITY = 0.8, 0.3
#: Amount scale by city tier (index 1..3) and its log-normal spread between customers.
TIER_AMOUNT = np.array([0.0, 1.25, 1.0, 0.8])
AMOUNT_SCALE_SIGMA = 0.3
#: Share of a customer's payments that go to people: normal, clipped.
P2P_SHARE_MEAN, P2P_SHARE_SD, P2P_SHARE_RANGE = 0.38, 0.12, (0.05, 0.9)
#: Victims: busy customers are a little more exposed (activity to this power).
VICTIM_ACTIVITY_EXPONENT = 0.3
#: Payees onboarded before 2025: people, and merchants (plus the most popular one in
#: TOP_MERCHANTS_ONE_IN of each category, at least one: the big names predate 2025).
OLD_PEOPLE_SHARE, OLD_MERCHANT_SHARE, TOP_MERCHANTS_ONE_IN = 0.9, 0.85, 10
MIN_MERCHANTS_PER_CATEGORY = 2
#: Share of merchants per category (grocery ... health).
MERCHANT_MIX = np.array([0.24, 0.22, 0.10, 0.05, 0.01, 0.02, 0.06, 0.03, 0.06, 0.09, 0.12])
#: Skew towards the first (popular) merchants of a category and the first people of the list.
POPULARITY_SKEW, CONTACT_SKEW = 1.8, 1.3
CONTACTS_PER_CUSTOMER = 6
#: iOS share by city tier (index 1..3); the rest is Android.
IOS_SHARE_BY_TIER = np.array([0.0, 0.25, 0.15, 0.08])
#: Days a device takes to install an app release: exponential, plus a long lag for a few.
UPDATE_LAG_MEAN_DAYS, SLOW_UPDATER_SHARE, SLOW_UPDATER_EXTRA_DAYS = 9.0, 0.04, 60
#: Customers who change phones during 2025 (not in the last weeks of the year, and not in
#: the first days of a new account); most keep their operating system.
NEW_PHONE_SHARE, NEW_PHONE_BEFORE_DAY, NEW_PHONE_AFTER_DAYS, SAME_OS_SHARE = 0.18, 330, 10, 0.9
#: Customers with a second device (a tablet, a work phone), which they use now and then.
SECOND_DEVICE_SHARE, SECOND_DEVICE_IOS_SHARE, SECOND_DEVICE_LAG_MEAN_DAYS = 0.06, 0.3, 20.0


class MulePlan(NamedTuple):
    """When each mule account is opened and starts receiving money (IST days, may be negative)."""

    start_day: np.ndarray
    opened_day: np.ndarray


class VictimPool(NamedTuple):
    """Customers a typology can pick as victims, with cumulative weights for ``pick``."""

    customer: np.ndarray
    cum: np.ndarray


@dataclass(frozen=True, eq=False)
class Customers:
    """Customers 0..n_regular-1 are ordinary; the rest are the mule accounts, in plan order."""

    state: np.ndarray
    tier: np.ndarray
    age: np.ndarray
    kyc: np.ndarray
    opened: np.ndarray
    #: First IST day the customer can pay (0: the account predates 2025).
    first_day: np.ndarray
    amount_scale: np.ndarray
    p2p_share: np.ndarray
    #: Cumulative weights for drawing payers (activity, times the days the account exists).
    payer_cum: np.ndarray
    victims: dict[str, VictimPool]
    n_regular: int


class _Table:
    """A table of equal-length columns; the fraud typologies append rows by concatenation."""

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))  # type: ignore[arg-type]  # subclasses are dataclasses

    @classmethod
    def concat(cls, tables: list[Self]) -> Self:
        return cls(*(np.concatenate([getattr(t, f.name) for t in tables]) for f in fields(cls)))  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class Payees(_Table):
    """Payees by index: people first, then merchants grouped by category, then fraudsters'."""

    kind: np.ndarray  # PERSON or MERCHANT
    category: np.ndarray  # code in MERCHANT_CATEGORIES (0 for people)
    state: np.ndarray
    onboarded: np.ndarray


@dataclass(frozen=True, eq=False)
class Devices(_Table):
    """Devices by index: each customer's usual phone, new phones, second devices, then fraudsters'."""

    os: np.ndarray  # code in DEVICE_OS
    first_seen: np.ndarray
    #: Days a device takes to install a new app release.
    update_lag: np.ndarray


@dataclass(frozen=True, eq=False)
class PaymentNetwork:
    """Where customers' money goes: their contacts, favourite merchants and the popular ones."""

    n_people: int
    #: Index of each category's most popular payee and the category's size (0 = people).
    category_first: np.ndarray
    category_size: np.ndarray
    #: A payee of the same kind onboarded before 2025, paid instead while one is not live yet.
    fallback: np.ndarray
    contacts: np.ndarray
    favourites: np.ndarray

    def popular(self, rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
        """A merchant of each category, popular ones (first in the category) more often."""
        skewed = np.floor(self.category_size[category] * rng.random(len(category)) ** POPULARITY_SKEW)
        return self.category_first[category] + skewed.astype(np.int64)


@dataclass(frozen=True, eq=False)
class Phones:
    """Which device a customer pays from: the usual one, a new phone from some day on, a second one."""

    usual: np.ndarray
    new_phone_at: np.ndarray  # int64 max: never
    new_phone: np.ndarray
    has_second: np.ndarray
    second: np.ndarray

    def at(self, customer: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.where(t >= self.new_phone_at[customer], self.new_phone[customer], self.usual[customer])


@dataclass(frozen=True, eq=False)
class World:
    """The entities of one dataset before any fraud: the inputs of every payment step."""

    customers: Customers
    payees: Payees
    network: PaymentNetwork
    devices: Devices
    phones: Phones
    mules: MulePlan

    def live_payee(self, payee: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Replace payees not yet onboarded at time t by their fallback (only this world's payees)."""
        return np.where(self.payees.onboarded[payee] > t, self.network.fallback[payee], payee)

    def victims(self, rng: np.random.Generator, fraud_type: str, m: int) -> np.ndarray:
        pool = self.customers.victims[fraud_type]
        return pool.customer[pick(rng, pool.cum, m)]


def draw_world(rng: np.random.Generator, n_transactions: int, mules: MulePlan) -> World:
    """Customers, then payees, then devices: the order in which they consume ``rng``."""
    n_regular = max(MIN_CUSTOMERS, round(n_transactions / PAYMENTS_PER_CUSTOMER))
    customers = _draw_customers(rng, n_regular, mules)
    payees, network = _draw_payees(rng, n_transactions, customers)
    devices, phones = _draw_devices(rng, customers)
    return World(customers, payees, network, devices, phones, mules)


def _draw_customers(rng: np.random.Generator, n_regular: int, mules: MulePlan) -> Customers:
    """Regular customers and the mule accounts after them: one draw per attribute covers both, then
    the mules' values are overwritten (young, freshly opened, rarely full KYC, little activity)."""
    n_mules = len(mules.opened_day)
    n = n_regular + n_mules
    mule = slice(n_regular, None)
    state = pick(rng, STATE_CUM, n)
    tier = rng.choice(np.array([1, 2, 3], dtype=np.int8), n, p=TIER_SHARES)
    for metro in METRO_STATES:
        tier[state == STATE_NAMES.index(metro)] = 1
    age = rng.choice(len(AGE_SHARES), n, p=AGE_SHARES)
    age[mule] = rng.choice(len(MULE_AGE_SHARES), n_mules, p=MULE_AGE_SHARES)
    new_account = rng.random(n) < NEW_ACCOUNT_SHARE
    first_day = np.where(new_account, rng.integers(*NEW_ACCOUNT_DAYS, n), 0)
    first_day[mule] = np.maximum(mules.opened_day, 0)
    opened = np.where(first_day > 0, first_day * DAY, rng.integers(seconds_at(story.OLDEST_ACCOUNT_OPENED), 0, n))
    opened[mule] = mules.opened_day * DAY
    full_kyc = np.where(first_day > 0, FULL_KYC_SHARE_NEW, FULL_KYC_SHARE_OLD)
    kyc = (rng.random(n) < full_kyc).astype(np.int8)
    kyc[mule] = (rng.random(n_mules) < FULL_KYC_SHARE_MULE).astype(np.int8)
    activity = rng.lognormal(0.0, ACTIVITY_SIGMA, n)
    activity[mule] *= MULE_ACTIVITY
    amount_scale = TIER_AMOUNT[tier] * rng.lognormal(0.0, AMOUNT_SCALE_SIGMA, n)
    p2p_share = np.clip(rng.normal(P2P_SHARE_MEAN, P2P_SHARE_SD, n), *P2P_SHARE_RANGE)
    return Customers(
        state=state, tier=tier, age=age, kyc=kyc, opened=opened.astype(np.int64),
        first_day=first_day.astype(np.int64), amount_scale=amount_scale, p2p_share=p2p_share,
        payer_cum=np.cumsum(activity * (N_DAYS - first_day) / N_DAYS),
        victims=_victim_pools(activity, age, tier, first_day[:n_regular]), n_regular=n_regular,
    )


def _victim_pools(activity: np.ndarray, age: np.ndarray, tier: np.ndarray,
                  first_day_regular: np.ndarray) -> dict[str, VictimPool]:
    """Victims are established customers (accounts from before 2025), weighted by profile."""
    est = np.flatnonzero(first_day_regular == 0)
    pools = {}
    for fraud_type in story.FRAUD_TYPES:
        age_weight = np.array(story.VICTIM_AGE_WEIGHT[fraud_type])[age[est]]
        tier_weight = np.array(story.VICTIM_TIER_WEIGHT[fraud_type])[tier[est] - 1]
        pools[fraud_type] = VictimPool(est, np.cumsum(activity[est] ** VICTIM_ACTIVITY_EXPONENT * age_weight * tier_weight))
    return pools


def _draw_payees(rng: np.random.Generator, n_transactions: int, customers: Customers) -> tuple[Payees, PaymentNetwork]:
    """People first, then merchants grouped by category (position in a category = popularity)."""
    n_people = max(MIN_PEOPLE_PAYEES, round(PEOPLE_PAYEES_PER_CUSTOMER * customers.n_regular))
    old_since = seconds_at(story.OLDEST_PAYEE_ONBOARDED)
    people_onboarded = np.where(rng.random(n_people) < OLD_PEOPLE_SHARE, rng.integers(old_since, 0, n_people),
                                rng.integers(0, YEAR_END, n_people))
    people = Payees(kind=np.full(n_people, PERSON, np.int8), category=np.zeros(n_people, np.int8),
                    state=pick(rng, STATE_CUM, n_people), onboarded=people_onboarded)
    n_merchants = max(MIN_MERCHANTS, round(n_transactions / PAYMENTS_PER_MERCHANT))
    size = np.maximum(MIN_MERCHANTS_PER_CATEGORY, np.round(MERCHANT_MIX * n_merchants)).astype(int)
    category = np.repeat(np.arange(1, N_MERCHANT_CATEGORIES + 1), size)
    n_merchants = len(category)
    old = rng.random(n_merchants) < OLD_MERCHANT_SHARE
    first = np.cumsum(size) - size
    position = np.arange(n_merchants) - np.repeat(first, size)
    old |= position < np.repeat(np.maximum(1, size // TOP_MERCHANTS_ONE_IN), size)
    merchant_onboarded = np.where(old, rng.integers(old_since, 0, n_merchants), rng.integers(0, YEAR_END, n_merchants))
    merchants = Payees(kind=np.full(n_merchants, MERCHANT, np.int8), category=category.astype(np.int8),
                       state=pick(rng, STATE_CUM, n_merchants), onboarded=merchant_onboarded)
    payees = Payees.concat([people, merchants])
    group = np.concatenate([np.zeros(n_people, int), category])
    n_customers = len(customers.state)
    network = PaymentNetwork(
        n_people=n_people,
        category_first=np.concatenate([[0], n_people + first]),
        category_size=np.concatenate([[n_people], size]),
        fallback=_fallbacks(rng, group, payees.onboarded),
        contacts=np.floor(n_people * rng.random((n_customers, CONTACTS_PER_CUSTOMER)) ** CONTACT_SKEW).astype(np.int64),
        favourites=_favourites(rng, n_customers, n_people + first, size),
    )
    return payees, network


def _fallbacks(rng: np.random.Generator, group: np.ndarray, onboarded: np.ndarray) -> np.ndarray:
    """For each payee onboarded in 2025, a popular one of its group onboarded before (itself otherwise)."""
    fallback = np.arange(len(group))
    for g in range(N_MERCHANT_CATEGORIES + 1):
        members = np.flatnonzero(group == g)
        olds = members[onboarded[members] < 0]
        late = members[onboarded[members] >= 0]
        fallback[late] = olds[np.floor(len(olds) * rng.random(len(late)) ** POPULARITY_SKEW).astype(int)]
    return fallback


def _favourites(rng: np.random.Generator, n_customers: int, first: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Each customer's favourite merchant per category, popular ones more often."""
    u = rng.random((n_customers, N_MERCHANT_CATEGORIES)) ** POPULARITY_SKEW
    return (first + np.floor(u * size)).astype(np.int64)


def _draw_devices(rng: np.random.Generator, customers: Customers) -> tuple[Devices, Phones]:
    """Each customer's usual phone; then new phones; then second devices (device index in that order)."""
    usual = _usual_phones(rng, customers)
    n = len(usual)
    new_phone_at, new_phone, new_devices = _new_phones(rng, customers.first_day, usual.os, first_index=n)
    has_second, second, second_devices = _second_devices(rng, usual.first_seen, first_index=n + len(new_devices))
    phones = Phones(usual=np.arange(n), new_phone_at=new_phone_at, new_phone=new_phone,
                    has_second=has_second, second=second)
    return Devices.concat([usual, new_devices, second_devices]), phones


def _usual_phones(rng: np.random.Generator, customers: Customers) -> Devices:
    """A phone registered between account opening (or 2019) and 1 January 2025; mules' at opening."""
    n = len(customers.tier)
    os_code = (rng.random(n) < IOS_SHARE_BY_TIER[customers.tier]).astype(np.int8)
    opened = customers.opened
    lo = np.maximum(opened, seconds_at(story.OLDEST_DEVICE_REGISTERED))
    first = np.where(customers.first_day > 0, opened, lo + (rng.random(n) * -lo).astype(np.int64))
    first[customers.n_regular:] = opened[customers.n_regular:]
    wait = rng.exponential(UPDATE_LAG_MEAN_DAYS, n)
    slow = np.where(rng.random(n) < SLOW_UPDATER_SHARE, SLOW_UPDATER_EXTRA_DAYS, 0)
    lag = np.ceil(wait + slow).astype(np.int64)
    return Devices(os=os_code, first_seen=first.astype(np.int64), update_lag=lag)


def _new_phones(rng: np.random.Generator, first_day: np.ndarray, usual_os: np.ndarray,
                first_index: int) -> tuple[np.ndarray, np.ndarray, Devices]:
    """When each customer switches to a new phone (int64 max: never), that phone, and the new devices."""
    n = len(first_day)
    switch = np.flatnonzero((rng.random(n) < NEW_PHONE_SHARE) & (first_day < NEW_PHONE_BEFORE_DAY))
    lo = first_day[switch] * DAY + NEW_PHONE_AFTER_DAYS * DAY
    at = lo + (rng.random(len(switch)) * (YEAR_END - lo)).astype(np.int64)
    keep_os = rng.random(len(switch)) < SAME_OS_SHARE
    os_code = np.where(keep_os, usual_os[switch], 1 - usual_os[switch]).astype(np.int8)
    lag = np.ceil(rng.exponential(UPDATE_LAG_MEAN_DAYS, len(switch))).astype(np.int64)
    new_phone_at = np.full(n, np.iinfo(np.int64).max)
    new_phone_at[switch] = at
    new_phone = np.arange(n)
    new_phone[switch] = first_index + np.arange(len(switch))
    return new_phone_at, new_phone, Devices(os=os_code, first_seen=at, update_lag=lag)


def _second_devices(rng: np.random.Generator, usual_first_seen: np.ndarray,
                    first_index: int) -> tuple[np.ndarray, np.ndarray, Devices]:
    """Who has a second device, which one it is (the usual phone otherwise), and the new devices."""
    n = len(usual_first_seen)
    owner = np.flatnonzero(rng.random(n) < SECOND_DEVICE_SHARE)
    devices = Devices(os=(rng.random(len(owner)) < SECOND_DEVICE_IOS_SHARE).astype(np.int8),
                      first_seen=usual_first_seen[owner],
                      update_lag=np.ceil(rng.exponential(SECOND_DEVICE_LAG_MEAN_DAYS, len(owner))).astype(np.int64))
    has_second = np.zeros(n, bool)
    has_second[owner] = True
    second = np.arange(n)
    second[owner] = first_index + np.arange(len(owner))
    return has_second, second, devices
