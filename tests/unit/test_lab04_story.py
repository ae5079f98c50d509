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


def test_lab04_the_threshold_holds_the_alert_rate_near_the_budget_on_ordinary_days(figures):
    budget = figures["budget"]
    assert 0.5 * budget <= figures["median_day_alert_rate"] <= 1.5 * budget
    assert 0.3 * budget <= figures["alert_rate_http_day"] <= 2 * budget


def test_lab04_the_paise_week_floods_the_review_queue(figures):
    assert figures["paise_week_max_alert_rate"] > 3 * figures["budget"]


def test_lab04_fresh_features_catch_what_a_frozen_store_misses(figures):
    fresh, frozen = figures["alerted_fresh"], figures["alerted_frozen"]
    assert figures["ato_bursts"] >= 20
    assert figures["ato_bursts_caught_fresh"] >= figures["ato_bursts_caught_frozen"]
    assert fresh["mule_account"] >= frozen["mule_account"] + 0.3, (fresh, frozen)
    assert fresh["qr_scam"] >= frozen["qr_scam"] + 0.2, (fresh, frozen)
    assert figures["rupees_fresh"] > figures["rupees_frozen"]
