"""The batch contract bites: a clean week meets it, and each broken column fails naming itself (exercise 5.3, lab 05).

A contract that lets a wrong value through is found out here, not in production: each test breaks one value
of a clean week and asserts that the contract's sentences (data_checks.contract_failures) name its column.
The check runs this file against the reference project (every test must pass) and against contracts that
each miss one rule (some test must fail for each).
"""

from __future__ import annotations

import pandas as pd
import pytest

from upi_fraud.validation import data_checks
from upi_kit import data, story


@pytest.fixture(scope="module")
def clean_week(upi: data.UPIData) -> pd.DataFrame:
    """The go-live week, clean by the production story (test_data.py checks it end to end)."""
    return data_checks.weekly_batches(upi.transactions)[story.GO_LIVE]


def failing_columns(batch: pd.DataFrame) -> set[str]:
    """The columns the contract's sentences name ('channel: 1 values fail isin(...)' -> 'channel')."""
    return {sentence.split(":")[0] for sentence in data_checks.contract_failures(batch)}


### BEGIN SOLUTION 5.3
def test_a_clean_week_meets_the_contract(clean_week: pd.DataFrame) -> None:
    assert data_checks.contract_failures(clean_week) == []


@pytest.mark.parametrize("column, value", [
    ("channel", "nfc"), ("payee_type", "robot"), ("merchant_category", "casino"), ("device_os", "symbian"),
    ("city_tier", 7), ("amount_inr", -5.0), ("amount_inr", story.P2M_LIMIT_INR + 1), ("app_version", "5.7"),
])
def test_a_value_outside_the_contract_fails_naming_its_column(clean_week: pd.DataFrame, column: str,
                                                              value: str | int | float) -> None:
    batch = clean_week.copy()
    if isinstance(batch[column].dtype, pd.CategoricalDtype):  # a category column takes no value it has not seen
        batch[column] = batch[column].cat.add_categories([value])
    batch.loc[batch.index[0], column] = value  # the column's dtype kept: only the value breaks the contract
    assert column in failing_columns(batch)


@pytest.mark.parametrize("column", ["customer_id", "payee_id", "device_id"])
def test_a_missing_id_fails_naming_its_column(clean_week: pd.DataFrame, column: str) -> None:
    batch = clean_week.copy()
    batch.loc[batch.index[0], column] = None
    assert column in failing_columns(batch)


def test_a_repeated_txn_id_fails(clean_week: pd.DataFrame) -> None:
    assert "txn_id" in failing_columns(pd.concat([clean_week, clean_week.iloc[[0]]]))
### END SOLUTION
