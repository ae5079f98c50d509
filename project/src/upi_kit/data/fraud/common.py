"""What the five typologies share: the ids they start numbering from, what they return, fresh payees."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ... import story
from ..calendar import N_DAYS
from ..entities import STATE_CUM, Devices, Payees
from ..payments import FraudRows
from ..sampling import pick


class FirstIds(NamedTuple):
    """Index the typology's first new payee and first new device get (the ones before belong to others)."""

    payee: int
    device: int


class Typology(NamedTuple):
    """A typology's payments, and the payees and devices it created (numbered from its ``FirstIds``)."""

    rows: FraudRows
    payees: Payees
    devices: Devices


def no_devices() -> Devices:
    empty = np.zeros(0, np.int64)
    return Devices(os=empty.astype(np.int8), first_seen=empty, update_lag=empty)


def incidents_per_rows(fraud_type: str, n_transactions: int, rows_per_incident: float) -> int:
    """How many incidents (bursts, campaigns, mules) give the typology its share of the rows."""
    return max(1, round(story.FRAUD_RATES[fraud_type] * n_transactions / rows_per_incident))


def new_payees(rng: np.random.Generator, first: int, kind: int, category: int | np.ndarray,
               onboarded: np.ndarray) -> tuple[np.ndarray, Payees]:
    """Fraudsters' payees: fresh UPI ids; returns their indices (from ``first`` on) and the table."""
    m = len(onboarded)
    state = pick(rng, STATE_CUM, m)
    category = np.broadcast_to(np.asarray(category, dtype=np.int8), (m,)).copy()
    table = Payees(kind=np.full(m, kind, np.int8), category=category, state=state, onboarded=onboarded.astype(np.int64))
    return first + np.arange(m), table


def days_within(rng: np.random.Generator, start: np.ndarray, duration: np.ndarray, campaign: np.ndarray) -> np.ndarray:
    """A day of each row's campaign, uniform over the campaign's days, not past the year's last."""
    offset = np.floor(rng.random(len(campaign)) * duration[campaign]).astype(np.int64)
    return np.minimum(start[campaign] + offset, N_DAYS - 1)
