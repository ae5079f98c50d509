"""The seed study (mlops_course/study.py, solutions/studies/loop-seeds.json): lab 07's figures on seeds 1-3.

The study is recorded like a solution notebook, so the suite never re-runs it (about an hour): these tests fail
when its stamp is stale (any lab's code cells or project files, the lock, the seeds, the size or study.py changed
since it was recorded), and check that the loop's gain repeats its sign on every seed (issue 24's target).
"""

from __future__ import annotations

import pytest

from mlops_course import study

RECORD = study.load() if study.record_path().is_file() else {"seeds": []}
ROWS = RECORD["seeds"]


def test_the_seed_study_is_recorded_for_the_current_code():
    assert study.record_path().is_file(), f"no seed study recorded: run {study.COMMAND}"
    assert RECORD["stamp"] == study.stamp(), (
        f"the seed study is stale (a lab, the project, the lock or the study changed): run {study.COMMAND} "
        "(about an hour on 2 cores) and commit solutions/studies/loop-seeds.json")


def test_the_study_covers_its_seeds_at_its_size():
    assert [row["seed"] for row in ROWS] == list(study.SEEDS)
    assert RECORD["size"] == study.SIZE == "default"
    assert 42 not in study.SEEDS  # the labs' own world is not a repeat


@pytest.mark.parametrize("row", ROWS, ids=[f"seed{row['seed']}" for row in ROWS])
def test_on_every_seed_the_course_runs_and_the_loop_gains(row):
    assert "failed" not in row, f"seed {row['seed']}: the course failed on this world: {row.get('failed')}"
    gain = row["gain_inr"]
    assert gain["gain_inr"] > 0, study.summary(row)
    assert gain["low_inr"] <= gain["gain_inr"] <= gain["high_inr"]
    assert row["gain_share_of_missed"] == round(gain["gain_inr"] / row["frozen_missed_inr"], 4)
    assert row["promotions"] >= 1 and row["retrains"] >= row["promotions"]
    assert row["arms_gain_inr"]["loop"] == gain["gain_inr"]


def test_a_seed_row_is_read_from_lab_07s_files():
    worth = {"arms": {"frozen": {"net_inr": 900.0}}, "frozen_missed_inr": 400.0, "share_of_oracle": 0.5,
             "gain": {"loop": {"gain_inr": 100.0, "low_inr": 20.0, "high_inr": 180.0},
                      "oracle": {"gain_inr": 200.0, "low_inr": 50.0, "high_inr": 350.0}},
             "new_scam_first_day": "2025-10-12", "days_to_mitigate": {"frozen": None, "loop": 30, "oracle": 20}}
    weeks = {"changes": [{"version": "3"}, {"version": "9"}],
             "weeks": [{"action": "page"}, {"action": "retrain"}, {"action": "none", "shadow": {"counted": False}},
                       {"action": "promote", "then": "retrain", "shadow": {"counted": True}}, {"action": "drop"}]}
    row = study.figures(7, worth, weeks, 12.4)
    assert row["gain_share_of_missed"] == 0.25 and row["share_of_oracle"] == 0.5
    assert (row["retrains"], row["shadows_counted"], row["promotions"], row["pages"]) == (2, 1, 1, 1)
    assert row["seconds"] == 12 and "gain ₹100" in study.summary(row)
    assert study.summary({"seed": 7, "failed": "06-monitoring: boom"}) == "seed 7: failed in 06-monitoring: boom"
