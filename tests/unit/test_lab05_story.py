"""Continuous training's two decisions, read from the committed lab 05 solution, recorded at the default size.

At the `ci` size the new scam has 4 payments in the whole year and a holdout week a handful of frauds, so CT only
proves that it runs there. The committed solution is a real default-size run of the current code (test_consistency
checks its code stamp); what it printed about the registry is where the story is checked.
"""

from __future__ import annotations

import pytest
from upi_kit import story

from mlops_course import notebooks

PREFIX = "ct-story figures: "


@pytest.fixture(scope="module")
def figures():
    found = notebooks.printed_json("05_ci_for_ml.ipynb", PREFIX)
    if found is None:
        pytest.fail("the committed lab 05 solution prints no ct-story figures: record it")
    return found


def test_lab05_was_recorded_at_the_default_size(figures):
    assert figures["data_size"] == "default"


def test_lab05_ct_after_the_paise_incident_quarantines_that_week_and_says_so(figures):
    assert figures["after_paise"]["quarantined"] == str(story.PAISE_INCIDENT.start)
    assert "week of 2025-09-08" in figures["after_paise"]["card"] and "app 5.7.0" in figures["after_paise"]["card"]


def test_lab05_ct_in_december_promotes_a_challenger_that_learned_the_new_scam(figures):
    december = figures["new_scam"]
    assert december["decision"] == "promoted" and december["is_champion"]
    assert december["challenger_inr"] > december["champion_inr"]
    assert december["recall"].get("new_scam", 0) > 0 and december["champion_recall"].get("new_scam", 0) == 0
    assert december["tests"].endswith("passed") or "failed" not in december["tests"]


def test_lab05_the_model_card_says_why(figures):
    card = figures["new_scam"]["card"]
    for part in ("Trained as of", "Data window", "Quarantined batches", "Challenger", "Champion", "Model tests",
                 "Decision: promoted"):
        assert part in card, part
