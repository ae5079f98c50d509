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

#: ``data.dataset_digest`` of each table, recorded with the single-module generator (data.py).
PINNED = {
    "ci": (
        {"size": "ci"},
        {"transactions": "c75d29ce10ef1825", "customers": "a307ec46b4039113",
         "payees": "a76a925546bdf570", "devices": "30a7ef933ac89f73"},
    ),
    "default": (
        {"size": "default"},
        {"transactions": "bcf5a816d1690ea6", "customers": "7e781b306b04567b",
         "payees": "7c62cc141b53e0f1", "devices": "2ee433924a7287a9"},
    ),
    "n4000-seed3-no-scenarios": (
        {"n_transactions": 4000, "seed": 3, "scenarios": ()},
        {"transactions": "2b08c5317885fefa", "customers": "3adfe38db1401c81",
         "payees": "55c64b5e9707f9da", "devices": "fc2be860930b759a"},
    ),
    "ci-seed7-new-scam-and-paise": (
        {"size": "ci", "seed": 7, "scenarios": ("new_scam", "paise_incident")},
        {"transactions": "a227e4284a49adf6", "customers": "bcdbf6b23944b933",
         "payees": "276034dd919bfc1b", "devices": "f594f4a43dd77b46"},
    ),
}


@pytest.mark.parametrize("case", list(PINNED))
def test_generated_tables_match_their_pinned_digests(case):
    kwargs, expected = PINNED[case]
    generated = data.generate(**kwargs)
    assert {t: data.dataset_digest(getattr(generated, t)) for t in TABLES} == expected
    assert generated.digest == expected["transactions"]
