"""The production story's serving figures, read from the committed lab 04 solution, recorded at the default size.

At the `ci` size the gate keeps lab 02's v1 model and a production day has ~50 payments, too few for these claims;
the committed solution is a real default-size run of the current code (test_consistency checks its code stamp),
so its printed figures are where the claims are checked.
"""

from __future__ import annotations

import pytest

from mlops_course import notebooks

PREFIX = "production-story figures: "


@pytest.fixture(scope="module")
def figures():
    found = notebooks.printed_json("04_model_serving.ipynb", PREFIX)
    if found is None:
        pytest.fail("the committed lab 04 solution prints no production-story figures: record it")
    return found


def test_lab04_was_recorded_at_the_default_size_with_the_feature_store_champion(figures):
    assert figures["data_size"] == "default" and figures["feature_set"] == "v2"


def test_lab04_the_weekly_threshold_keeps_ordinary_weeks_within_the_teams_capacity(figures):
    # Issue 23's target: at least 90% of the non-incident production weeks within the budget.
    assert figures["ordinary_weeks"] >= 15
    assert figures["ordinary_weeks_within_capacity"] >= 0.9 * figures["ordinary_weeks"]


def test_lab04_the_paise_week_floods_the_review_queue(figures):
    assert figures["weekly_alert_rate"]["2025-09-08"] > figures["capacity"]


def test_lab04_rupees_are_ledger_amounts_not_the_paise_the_app_sent(figures):
    from upi_kit import data

    tx = data.load("default").transactions
    fraud = tx[(tx["is_fraud"] == 1) & (tx["event_timestamp"] >= "2025-08-31 18:30:00+00:00")]
    assert figures["caught_inr"] <= fraud["ledger_amount_inr"].sum() < fraud["amount_inr"].sum()
    assert figures["ledger_inr_alerted_fresh"] <= fraud["ledger_amount_inr"].sum()


def test_lab04_fresh_features_catch_what_a_frozen_store_misses(figures):
    fresh, frozen = figures["alerted_fresh"], figures["alerted_frozen"]
    assert figures["ato_bursts"] >= 20
    assert figures["ato_bursts_alerted_fresh"] >= figures["ato_bursts_alerted_frozen"]
    assert fresh["mule_account"] >= frozen["mule_account"] + 0.3, (fresh, frozen)
    assert fresh["qr_scam"] >= frozen["qr_scam"] + 0.2, (fresh, frozen)
    assert figures["ledger_inr_alerted_fresh"] > figures["ledger_inr_alerted_frozen"]
