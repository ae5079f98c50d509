"""Data tests: a batch that breaks the contract or changes a unit is caught, and says which app sent it (lab 05).

data_checks runs on every weekly batch before continuous training trusts it; these tests pin down what it
must catch (the two incidents of the production story) and what it must let through (a clean week, the
festive season, every training week). The contract's own tests, value by value, are yours: test_contract.py.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from upi_fraud.dates import monday
from upi_fraud.validation import data_checks, units
from upi_kit import data, story


@pytest.fixture(scope="module")
def weeks(upi: data.UPIData) -> dict[date, pd.DataFrame]:
    return data_checks.weekly_batches(upi.transactions)


@pytest.fixture(scope="module")
def reference(upi: data.UPIData) -> pd.DataFrame:
    return data_checks.reference_frame(upi.transactions)


def test_a_clean_production_week_passes(weeks: dict[date, pd.DataFrame], reference: pd.DataFrame) -> None:
    assert data_checks.check_batch(weeks[story.GO_LIVE], reference) == []


def test_the_festive_season_is_drift_not_a_failure(weeks: dict[date, pd.DataFrame], reference: pd.DataFrame) -> None:
    assert data_checks.check_batch(weeks[monday(story.DIWALI)], reference) == []


def test_every_training_week_is_clean(weeks: dict[date, pd.DataFrame], reference: pd.DataFrame) -> None:
    failed = {str(w): data_checks.check_batch(b, reference) for w, b in weeks.items() if w <= story.TRAIN_END}
    assert not any(failed.values()), {w: f for w, f in failed.items() if f}


@pytest.mark.parametrize("incident, column", [(story.PAISE_INCIDENT, "amount_inr"),
                                              (story.NULL_OS_INCIDENT, "device_os")])
def test_an_incident_week_fails_naming_the_column_and_the_app(weeks: dict[date, pd.DataFrame],
                                                              reference: pd.DataFrame, incident: story.Incident,
                                                              column: str) -> None:
    failures = data_checks.check_batch(weeks[incident.start], reference)
    named = [f for f in failures if f.startswith(column) and f"app {incident.app_version}" in f]
    assert named, f"the {incident.name} week should fail on {column} from app {incident.app_version}: {failures}"


def test_paise_from_one_app_version_are_caught_even_when_small(weeks: dict[date, pd.DataFrame],
                                                               reference: pd.DataFrame) -> None:
    batch = weeks[story.GO_LIVE].copy()
    small = batch["amount_inr"] < 1_000  # x100 stays under NPCI's limit: no range test can see it
    version = batch.loc[small, "app_version"].astype(str).mode()[0]
    rows = small & (batch["app_version"].astype(str) == version)
    batch.loc[rows, "amount_inr"] *= story.PAISE_PER_RUPEE
    assert batch["amount_inr"].max() <= story.P2M_LIMIT_INR
    assert version in units.unit_change(batch[rows | ~small], reference)
