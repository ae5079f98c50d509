"""The closed loop's story, read from the committed lab 07 solution, recorded at the default size.

The claims that hold at every size the loop promotes at (tests/loop_claims.py) are checked here on the committed run
and, by tests/course/test_loop_chain.py, on a fresh run of the `loop` chain. At the `ci` size the new scam has a
handful of payments and the loop never promotes (tests/course/test_lab07_loop.py checks that it then equals the
frozen model). The targets below (issue 24's) are about this run's size. The committed solution is a real default-size
run of the current code (test_consistency checks its code stamp); what it printed is checked here.
"""

from __future__ import annotations

from datetime import date

import pytest
from loop_claims import CLAIMS, INCIDENTS
from upi_kit import story

from mlops_course import notebooks

PREFIX = "loop figures: "


@pytest.fixture(scope="module")
def figures():
    found = notebooks.printed_json("07_capstone.ipynb", PREFIX)
    if found is None:
        pytest.fail("the committed lab 07 solution prints no loop figures: record it")
    return found


def test_lab07_was_recorded_at_the_default_size(figures):
    assert figures["data_size"] == "default"
    assert len(figures["weeks"]) == 18


@pytest.mark.parametrize("claim", CLAIMS)
def test_lab07_the_loops_story_holds_on_the_committed_run(figures, claim):
    CLAIMS[claim](figures)


def test_lab07_at_the_default_size_a_shadow_met_the_null_os_week_and_the_loop_retrained_right_after_promotions(
        figures):
    assert [s["week"] for s in figures["shadow"] if s.get("counted") is False] == [str(INCIDENTS[1])]
    assert sum(r.get("then") == "retrain" for r in figures["weeks"].values()) >= 2


def test_lab07_the_loop_pays_against_the_frozen_model_with_an_interval_that_excludes_zero(figures):
    worth = figures["worth"]
    loop = worth["gain"]["loop"]
    assert loop["low_inr"] > 0  # 95%, production days resampled
    assert loop["gain_inr"] >= 0.05 * worth["frozen_missed_inr"]  # issue 24's target: 5% of the frozen model's misses


def test_lab07_the_loop_recovers_half_the_oracles_gain_and_mitigates_after_it(figures):
    worth = figures["worth"]
    assert worth["share_of_oracle"] >= 0.5
    assert worth["share_of_oracle"] == pytest.approx(
        worth["gain"]["loop"]["gain_inr"] / worth["gain"]["oracle"]["gain_inr"], abs=1e-4)
    days = worth["days_to_mitigate"]
    assert days["frozen"] is None and days["oracle"] is not None and days["oracle"] <= days["loop"]
    assert date.fromisoformat(worth["new_scam_first_day"]) >= story.NEW_SCAM_START


def test_lab07_rupees_are_ledger_amounts_so_no_arm_is_inflated_by_the_paise_week(figures):
    from upi_kit import data

    tx = data.load("default").transactions
    production = tx[tx["event_timestamp"] >= "2025-08-31 18:30:00+00:00"]
    fraud_ledger = float(production.loc[production["is_fraud"] == 1, "ledger_amount_inr"].sum())
    for arm in ("frozen", "loop"):
        value = figures["summary"][arm]
        assert value["caught_inr"] + value["missed_inr"] == pytest.approx(fraud_ledger, abs=1.0)
