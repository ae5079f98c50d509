"""The rows every payment step returns: columns of entity indices, times and codes, not yet a table."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import story
from .calendar import YEAR_END
from .vocabulary import FRAUD_TYPE_CATEGORIES

#: NPCI's per-transaction limits as amount caps.
P2P_CAP, P2M_CAP = float(story.P2P_LIMIT_INR), float(story.P2M_LIMIT_INR)


class Payments(NamedTuple):
    """Indices into the customers, payees and devices; internal times; rupees; channel codes."""

    customer: np.ndarray
    t: np.ndarray
    payee: np.ndarray
    amount: np.ndarray
    channel: np.ndarray
    device: np.ndarray


class FraudRows(NamedTuple):
    """Fraud payments, with what the labels need: ``unit`` groups rows reported together (one complaint)."""

    payments: Payments
    fraud_code: np.ndarray  # code in FRAUD_TYPE_CATEGORIES
    unit: np.ndarray
    p_report: np.ndarray
    median_delay_days: np.ndarray


def concat_payments(parts: list[Payments]) -> Payments:
    return Payments(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def concat_fraud_rows(parts: list[FraudRows]) -> FraudRows:
    return FraudRows(concat_payments([p.payments for p in parts]),
                     *(np.concatenate(column) for column in zip(*(p[1:] for p in parts), strict=True)))


def fraud_rows(fraud_type: str, payments: Payments, unit: np.ndarray, reporting: str | None = None) -> FraudRows:
    """Label a typology's payments; ``reporting`` picks a ``story.FRAUD_REPORTING`` entry (default: the typology)."""
    m = len(payments.t)
    p, median = story.FRAUD_REPORTING[reporting or fraud_type]
    payments = payments._replace(t=np.minimum(payments.t, YEAR_END - 1), channel=np.asarray(payments.channel))
    return FraudRows(payments, np.full(m, FRAUD_TYPE_CATEGORIES.index(fraud_type), np.int8), unit,
                     np.full(m, p), np.full(m, median))
