"""The hindsight arms' schedules (upi_fraud.loop.arms): a model promoted after production's last payment decides
nothing (the seed study found one at seed 1: the loop promoted in the year's last week, and replaying its schedule
without quarantine asked a model to score no payments)."""

from __future__ import annotations

import pandas as pd
import pytest
from upi_fraud.loop import arms
from upi_kit import data, story


@pytest.fixture(scope="module")
def frozen():
    upi = data.load("ci")
    tx = upi.transactions
    part = tx[tx["event_timestamp"] >= pd.Timestamp("2025-12-01", tz=story.TIMEZONE)]
    record = pd.DataFrame({"txn_id": part["txn_id"].astype(str).to_numpy(), "event_timestamp": part["event_timestamp"],
                           "score": 0.25, "threshold": 0.5, "alert": False})
    return upi, record


def test_a_model_promoted_after_the_last_payment_is_never_trained_and_changes_nothing(frozen, monkeypatch):
    upi, record = frozen
    trained = []
    monkeypatch.setattr(arms.ct_run, "fit", lambda *a, **k: trained.append(a) or pytest.fail("trained"))
    after = record["event_timestamp"].max().tz_convert(story.TIMEZONE).normalize() + pd.Timedelta(days=7)
    out = arms.simulate(upi, record, [arms.Retrain(after, after - pd.Timedelta(days=7))], "v1", 42)
    assert trained == []
    pd.testing.assert_frame_equal(out, record.reset_index(drop=True))


def test_the_loop_schedule_keeps_a_year_end_promotion_so_the_record_is_replayed_as_it_happened():
    record = {"changes": [{"at": "2025-08-31T18:30:00+00:00", "version": "3"},
                          {"at": "2026-01-05T00:00:00+05:30", "version": "14"}],
              "weeks": [{"ct": {"version": "14", "as_of": "2025-12-29T00:00:00+05:30"}}]}
    (only,) = arms.loop_schedule(record)
    assert only.live_from == pd.Timestamp("2026-01-05T00:00:00+05:30")
    assert only.as_of == pd.Timestamp("2025-12-29T00:00:00+05:30")
