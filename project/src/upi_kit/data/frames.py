"""From simulated columns to the four pandas tables: synthetic ids, categoricals, UTC timestamps.

Nothing random happens here. Ids are numbered in order of account opening,
onboarding and first sighting, so an id says nothing about how its entity was drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd

from .calendar import DAY, EPOCH
from .entities import Customers, Devices, Payees
from .incidents import as_sent
from .payments import Payments
from .vocabulary import (
    AGE_BANDS,
    APP_VERSIONS,
    CHANNELS,
    DEVICE_OS,
    FRAUD_TYPE_CATEGORIES,
    KYC_LEVELS,
    MERCHANT_CATEGORIES,
    PAYEE_TYPES,
    STATE_NAMES,
)

#: Digits of the customer, payee and device ids (C000123) and of the transaction ids.
ENTITY_ID_DIGITS, TXN_ID_DIGITS = 6, 9


class Population(NamedTuple):
    """Every entity drawn, fraudsters' payees and devices included."""

    customers: Customers
    usual_device: np.ndarray
    payees: Payees
    devices: Devices
    #: Payees drawn but left out of the dataset (the billers of a switched-off new scam).
    dropped_payees: np.ndarray


class Sent(NamedTuple):
    """Columns as the payer's app sent them: a data incident may have broken them."""

    amount: np.ndarray
    os_code: np.ndarray
    version: np.ndarray


class Numbering(NamedTuple):
    """Each entity's id number minus one (its rank), and the id strings in id order."""

    customer_rank: np.ndarray
    customer_ids: np.ndarray
    #: Payee rank among the payees kept (-1: dropped); kept payees in id order, and their ids.
    payee_code: np.ndarray
    payee_order: np.ndarray
    payee_ids: np.ndarray
    device_rank: np.ndarray
    device_ids: np.ndarray


def build_tables(payments: Payments, fraud_code: np.ndarray, report_t: np.ndarray, population: Population,
                 release_times: np.ndarray, scenarios: tuple[str, ...]
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The transactions, customers, payees and devices tables (payments already in time order)."""
    numbering = _number(population)
    devices = population.devices
    version = app_version_at(payments.t, payments.device, devices, release_times)
    amount, os_code = as_sent(scenarios, payments.t // DAY, version, payments.amount.astype(np.float64),
                              devices.os[payments.device].astype(np.int8))
    sent = Sent(amount, os_code, version)
    tx = _transactions(payments, fraud_code, report_t, sent, population, numbering)
    return tx, _customers(population, numbering), _payees(population.payees, numbering), _devices(devices, numbering)


def app_version_at(t: np.ndarray, device: np.ndarray, devices: Devices, release_times: np.ndarray) -> np.ndarray:
    """Code of the newest release the device had installed by then (after its update lag)."""
    seen = np.maximum(t - devices.update_lag[device] * DAY, devices.first_seen[device])
    return np.clip(np.searchsorted(release_times, seen, side="right") - 1, 0, len(APP_VERSIONS) - 1)


def _number(population: Population) -> Numbering:
    customer_rank = _rank(population.customers.opened)
    payee_rank = _rank(population.payees.onboarded)
    device_rank = _rank(population.devices.first_seen)
    payee_order = np.argsort(payee_rank)
    payee_order = payee_order[~np.isin(payee_order, population.dropped_payees)]  # leaves gaps in the ids
    payee_code = np.full(len(payee_rank), -1, np.int64)
    payee_code[payee_order] = np.arange(len(payee_order))
    payee_ids = _ids("P", len(payee_rank), ENTITY_ID_DIGITS)[payee_rank[payee_order]]
    return Numbering(customer_rank, _ids("C", len(customer_rank), ENTITY_ID_DIGITS), payee_code, payee_order,
                     payee_ids, device_rank, _ids("D", len(device_rank), ENTITY_ID_DIGITS))


def _transactions(payments: Payments, fraud_code: np.ndarray, report_t: np.ndarray, sent: Sent,
                  population: Population, numbering: Numbering) -> pd.DataFrame:
    customer, payee, payees = payments.customer, payments.payee, population.payees
    customers = population.customers
    return pd.DataFrame({
        "txn_id": _ids("T", len(payments.t), TXN_ID_DIGITS, start=1),
        "event_timestamp": _utc(payments.t),
        "customer_id": _cat(numbering.customer_rank[customer], numbering.customer_ids),
        "payee_id": _cat(numbering.payee_code[payee], numbering.payee_ids),
        "payee_type": _cat(payees.kind[payee], PAYEE_TYPES),
        "merchant_category": _cat(payees.category[payee], MERCHANT_CATEGORIES),
        "amount_inr": sent.amount,
        "ledger_amount_inr": payments.amount.astype(np.float64),
        "channel": _cat(payments.channel, CHANNELS),
        "device_id": _cat(numbering.device_rank[payments.device], numbering.device_ids),
        "device_os": _cat(sent.os_code, DEVICE_OS),
        "app_version": _cat(sent.version, APP_VERSIONS),
        "customer_state": _cat(customers.state[customer], STATE_NAMES),
        "city_tier": customers.tier[customer].astype(np.int8),
        "is_fraud": (fraud_code > 0).astype(np.int8),
        "fraud_type": _cat(fraud_code, FRAUD_TYPE_CATEGORIES),
        "label_available_at": _utc(report_t, missing=report_t < 0),
    })


def _customers(population: Population, numbering: Numbering) -> pd.DataFrame:
    customers = population.customers
    order = np.argsort(numbering.customer_rank)
    return pd.DataFrame({
        "customer_id": numbering.customer_ids,
        "home_state": _cat(customers.state[order], STATE_NAMES),
        "city_tier": customers.tier[order].astype(np.int8),
        "age_band": _cat(customers.age[order], AGE_BANDS),
        "kyc_level": _cat(customers.kyc[order], KYC_LEVELS),
        "account_opened_at": _utc(customers.opened[order]),
        "usual_device_id": numbering.device_ids[numbering.device_rank[population.usual_device[order]]],
    })


def _payees(payees: Payees, numbering: Numbering) -> pd.DataFrame:
    order = numbering.payee_order
    return pd.DataFrame({
        "payee_id": numbering.payee_ids,
        "payee_type": _cat(payees.kind[order], PAYEE_TYPES),
        "merchant_category": _cat(payees.category[order], MERCHANT_CATEGORIES),
        "merchant_state": _cat(payees.state[order], STATE_NAMES),
        "onboarded_at": _utc(payees.onboarded[order]),
    })


def _devices(devices: Devices, numbering: Numbering) -> pd.DataFrame:
    order = np.argsort(numbering.device_rank)
    return pd.DataFrame({
        "device_id": numbering.device_ids,
        "device_os": _cat(devices.os[order], DEVICE_OS),
        "first_seen_at": _utc(devices.first_seen[order]),
    })


def _rank(keys: np.ndarray) -> np.ndarray:
    """Position of each entity when sorted by ``keys`` (stable): its id number minus one."""
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(keys), np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def _ids(prefix: str, n: int, width: int, start: int = 1) -> np.ndarray:
    """Object array of ids like C000001 (built as bytes: a Python loop is too slow for millions)."""
    import pyarrow as pa

    width = max(width, len(str(start + n - 1)))
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    w = len(p) + width
    buf = np.empty((n, w), dtype=np.uint8)
    buf[:, : len(p)] = p
    v = np.arange(start, start + n, dtype=np.int64)
    for j in range(width - 1, -1, -1):
        buf[:, len(p) + j] = 48 + v % 10
        v //= 10
    offsets = np.arange(n + 1, dtype=np.int64) * w
    arr = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(buf)])
    return arr.to_numpy(zero_copy_only=False)


def _cat(codes: np.ndarray, categories: Iterable[str]) -> pd.Categorical:
    # pandas-stubs types codes as a Sequence[int]; pandas takes an array, and a list of millions would be slow.
    return pd.Categorical.from_codes(np.asarray(codes), categories=pd.Index(list(categories), dtype=object))  # type: ignore[arg-type]


def _utc(t: np.ndarray, missing: np.ndarray | None = None) -> pd.DatetimeIndex:
    """Internal seconds -> UTC-aware nanosecond timestamps (NaT where missing)."""
    ns = (np.asarray(t, dtype=np.int64) + EPOCH) * 1_000_000_000
    arr = ns.view("M8[ns]")
    if missing is not None:
        arr = np.where(missing, np.datetime64("NaT", "ns"), arr)
    return pd.DatetimeIndex(arr).tz_localize("UTC")
