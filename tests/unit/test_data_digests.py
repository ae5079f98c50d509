"""Same seed, same bytes: the generator's output is pinned to digests recorded before the data package was split.

Every lab, solution output and cached parquet folder assumes that ``data.generate``
gives the same data for the same arguments, across refactorings. If one of these
tests fails, the generator's output changed: if that was intended, bump
``data.DATA_VERSION`` (cached datasets are keyed on it), regenerate the datasheet
files and record the new digests here.
"""

from __future__ import annotations

import pytest
from upi_kit import data

TABLES = ("transactions", "customers", "payees", "devices")

#: ``data.dataset_digest`` of each table. Recorded with the single-module generator (data.py); transactions and
#: payees re-recorded for DATA_VERSION 3 (issue 23: the ledger amount column, the new scam's wave). Customers and
#: devices kept their digests through that change: the world the story happens in is the same.
PINNED = {
    "ci": (
        {"size": "ci"},
        {"transactions": "c86a40ec5551a7b2", "customers": "a307ec46b4039113",
         "payees": "8a85284d237599b6", "devices": "30a7ef933ac89f73"},
    ),
    "default": (
        {"size": "default"},
        {"transactions": "5bca501d08195f58", "customers": "7e781b306b04567b",
         "payees": "9ad11958a3029fda", "devices": "2ee433924a7287a9"},
    ),
    "n4000-seed3-no-scenarios": (
        {"n_transactions": 4000, "seed": 3, "scenarios": ()},
        {"transactions": "202d4b58c4cbb60d", "customers": "3adfe38db1401c81",
         "payees": "e142948d864495f8", "devices": "fc2be860930b759a"},
    ),
    "ci-seed7-new-scam-and-paise": (
        {"size": "ci", "seed": 7, "scenarios": ("new_scam", "paise_incident")},
        {"transactions": "d12d32d012396dcc", "customers": "bcdbf6b23944b933",
         "payees": "db9c632ade16c305", "devices": "f594f4a43dd77b46"},
    ),
}


@pytest.mark.parametrize("case", list(PINNED))
def test_generated_tables_match_their_pinned_digests(case):
    kwargs, expected = PINNED[case]
    generated = data.generate(**kwargs)
    assert {t: data.dataset_digest(getattr(generated, t)) for t in TABLES} == expected
    assert generated.digest == expected["transactions"]
