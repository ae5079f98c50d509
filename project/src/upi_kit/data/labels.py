"""When the bank learns of each fraud: a victim's complaint or a chargeback, days to weeks later, or never."""

from __future__ import annotations

import numpy as np

from .. import story
from .calendar import DAY
from .payments import FraudRows

#: A report takes at least this long to reach the bank (seconds after the unit's last payment).
MIN_REPORT_DELAY_S = 7200
#: Report time of a legitimate payment or of a fraud never reported.
NEVER = -1


def report_times(rng: np.random.Generator, frauds: list[FraudRows]) -> np.ndarray:
    """Report time of each fraud row (internal seconds), or NEVER; one draw per reporting unit.

    All rows of a unit (one victim's burst, one mule's outgoing payments) are reported
    together, after the unit's last payment. Frauds are taken in the given order, so the
    labels stream is consumed the same way for the same typologies.
    """
    out = []
    for rows in frauds:
        unit = rows.unit
        n_units = int(unit.max()) + 1
        last = np.zeros(n_units, np.int64)
        np.maximum.at(last, unit, rows.payments.t)
        p, median = np.ones(n_units), np.ones(n_units)
        p[unit], median[unit] = rows.p_report, rows.median_delay_days
        reported = rng.random(n_units) < p
        log_days = np.log(median) + story.REPORT_DELAY_LOG_SIGMA * rng.standard_normal(n_units)
        delay = (np.exp(log_days) * DAY).astype(np.int64) + MIN_REPORT_DELAY_S
        out.append(np.where(reported, last + delay, NEVER)[unit])
    return np.concatenate(out) if out else np.zeros(0, np.int64)
