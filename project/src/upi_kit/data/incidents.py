"""The data incidents (scenarios ``paise_incident`` and ``null_os_incident``): one app version sends broken data for a week.

They change what the app reports, not what happened: applied last, on the
columns as sent, so switching one off changes its column on its rows only.
"""

from __future__ import annotations

import numpy as np

from .. import story
from .calendar import day_index
from .vocabulary import APP_VERSIONS

#: ``device_os`` code of a missing value (a categorical's code for NaN).
MISSING = -1


def as_sent(scenarios: tuple[str, ...], day: np.ndarray, version: np.ndarray,
            amount: np.ndarray, os_code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Amounts and OS codes as the app sent them, given each row's IST day and app version code."""
    if "paise_incident" in scenarios:
        hit = _hit(story.PAISE_INCIDENT, day, version)
        amount = np.where(hit, amount * float(story.PAISE_PER_RUPEE), amount)
    if "null_os_incident" in scenarios:
        hit = _hit(story.NULL_OS_INCIDENT, day, version)
        os_code = np.where(hit, MISSING, os_code).astype(np.int8)
    return amount, os_code


def _hit(incident: story.Incident, day: np.ndarray, version: np.ndarray) -> np.ndarray:
    """Rows sent by the incident's app version during its week."""
    in_week = (day >= day_index(incident.start)) & (day <= day_index(incident.end))
    return (version == APP_VERSIONS.index(incident.app_version)) & in_week
