"""The simulator's driver: one dataset from a size, a seed and the scenarios switched on.

Every part of the story draws from its own random stream (``STREAMS``), so the
parts do not shift each other's draws: turning a scenario off, or changing one
typology, leaves the other parts' draws as they were. The steps are functions of
explicit inputs; the only order that matters is the one written in ``simulate``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .. import story
from .calendar import Calendar, build_calendar
from .dataset import MIN_TRANSACTIONS
from .entities import Devices, Payees, World, draw_world
from .frames import Population, build_tables
from .fraud import TYPOLOGIES, FirstIds, Typology, mule_account
from .labels import NEVER, report_times
from .legit import legit_payments
from .payments import Payments, concat_payments

#: One random stream per part of the story. "filler" replaces the new scam's rows by
#: legitimate ones when that scenario is off. Appending a stream is safe; reordering is not.
STREAMS = ("entities", "legit", "filler", *story.FRAUD_TYPES, "labels")


class Drawn(NamedTuple):
    """A typology's output and the first payee and device index it was given."""

    first: FirstIds
    typology: Typology


class Labelled(NamedTuple):
    """Every payment in time order, with its fraud type code and report time (labels.NEVER if none)."""

    payments: Payments
    fraud_code: np.ndarray
    report_t: np.ndarray


def random_streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(ss) for name, ss in zip(STREAMS, children, strict=True)}


def simulate(n: int, seed: int, scenarios: tuple[str, ...]
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The four tables (transactions, customers, payees, devices) of one dataset."""
    rngs = random_streams(seed)
    calendar = build_calendar(festive_drift="festive_drift" in scenarios)
    # Mules are customers, so their plan is drawn (from the mule stream) before the world.
    world = draw_world(rngs["entities"], n, mule_account.plan(rngs["mule_account"], n))
    fraud = _draw_fraud(rngs, n, calendar, world)
    # The new scam is always drawn, so that switching it off changes nothing else: its rows
    # are replaced by filler payments from their own stream, its billers are dropped (leaving
    # gaps in the payee ids) and every other row and id stays the same.
    new_scam_on = "new_scam" in scenarios
    labelled = _all_payments(rngs, n, calendar, world, fraud, new_scam_on)
    new_scam = fraud["new_scam"]
    dropped = np.zeros(0, np.int64) if new_scam_on else new_scam.first.payee + np.arange(len(new_scam.typology.payees))
    population = Population(
        customers=world.customers,
        usual_device=world.phones.usual,
        payees=Payees.concat([world.payees, *(d.typology.payees for d in fraud.values())]),
        devices=Devices.concat([world.devices, *(d.typology.devices for d in fraud.values())]),
        dropped_payees=dropped,
    )
    return build_tables(*labelled, population, calendar.release_times, scenarios)


def _draw_fraud(rngs: dict[str, np.random.Generator], n: int, calendar: Calendar, world: World) -> dict[str, Drawn]:
    """Every typology, in order; each numbers its new payees and devices after the previous ones'."""
    first = FirstIds(payee=len(world.payees), device=len(world.devices))
    drawn = {}
    for name, draw in TYPOLOGIES.items():
        typology = draw(rngs[name], n, calendar, world, first)
        drawn[name] = Drawn(first, typology)
        first = FirstIds(first.payee + len(typology.payees), first.device + len(typology.devices))
    return drawn


def _all_payments(rngs: dict[str, np.random.Generator], n: int, calendar: Calendar, world: World, fraud: dict[str, Drawn], new_scam_on: bool) -> Labelled:
    """Legitimate payments fill the rows fraud leaves; labels for the fraud kept; all sorted by time."""
    n_new_scam = len(fraud["new_scam"].typology.rows.payments.t)
    n_other_fraud = sum(len(d.typology.rows.payments.t) for name, d in fraud.items() if name != "new_scam")
    n_legit = n - n_other_fraud - n_new_scam
    if n_legit < n // 2:
        raise ValueError(f"n_transactions={n} is too small for the fraud story; use at least {MIN_TRANSACTIONS}.")
    legit = [legit_payments(rngs["legit"], n_legit, calendar, world)]
    if not new_scam_on:
        legit.append(legit_payments(rngs["filler"], n_new_scam, calendar, world))
    n_legit_rows = sum(len(p.t) for p in legit)
    kept = [d.typology.rows for name, d in fraud.items() if name != "new_scam" or new_scam_on]
    payments = concat_payments(legit + [rows.payments for rows in kept])
    fraud_code = np.concatenate([np.zeros(n_legit_rows, np.int8)] + [rows.fraud_code for rows in kept])
    report_t = np.concatenate([np.full(n_legit_rows, NEVER, np.int64), report_times(rngs["labels"], kept)])
    order = np.argsort(payments.t, kind="stable")
    return Labelled(Payments(*(column[order] for column in payments)), fraud_code[order], report_t[order])
