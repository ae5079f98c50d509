"""The review budget's weekly recurrence (upi_fraud.serving.budget.by_week), which the bulk replay and the hindsight
arms share: crafted weeks of scores, so each threshold is worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from upi_fraud.serving import budget
from upi_kit import story


def weeks_of(*sizes):
    return np.repeat(np.arange(len(sizes)), sizes)


def test_the_first_week_keeps_the_given_threshold_and_each_next_week_recalibrates_on_the_one_before():
    n = 1_000
    scores = np.concatenate([np.linspace(0, 1, n, endpoint=False), np.linspace(0, 0.5, n, endpoint=False),
                             np.linspace(0, 1, n, endpoint=False)])
    seen = []

    def score(rows, cut):
        seen.append((len(rows), cut))
        return scores[rows]

    cuts = budget.by_week(weeks_of(n, n, n), 0.99, score)
    assert [len_ for len_, _ in seen] == [n, n, n]
    assert np.all(cuts[:n] == 0.99)
    # week 2: week 1's scores are uniform on [0, 1), so the cut keeps ALERT_TARGET_SHARE of them alerting
    expected = budget.for_week(scores[:n], 0.99)
    assert np.all(cuts[n:2 * n] == expected) and expected == pytest.approx(1 - story.ALERT_TARGET_SHARE, abs=2e-3)
    assert np.all(cuts[2 * n:] == budget.for_week(scores[n:2 * n], expected))
    assert [cut for _, cut in seen] == [0.99, cuts[n], cuts[2 * n]]


def test_a_week_too_small_to_recalibrate_on_passes_its_threshold_on():
    small = budget.MIN_SCORES - 1
    scores = np.linspace(0, 1, small + 600)
    cuts = budget.by_week(weeks_of(small, 600), 0.7, lambda rows, _: scores[rows])
    assert np.all(cuts == 0.7)


def test_a_week_over_the_teams_capacity_is_not_chased():
    n = 1_000
    over = np.where(np.arange(n) < n * story.ALERT_BUDGET_SHARE * 2, 0.9, 0.1)  # twice the capacity alerts at 0.5
    scores = np.concatenate([over, over])
    cuts = budget.by_week(weeks_of(n, n), 0.5, lambda rows, _: scores[rows])
    assert np.all(cuts == 0.5)
