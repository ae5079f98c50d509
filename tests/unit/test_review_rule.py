"""The one review-capacity rule (upi_kit.metrics): reviewed in arrival order until the day's budget is spent."""

import numpy as np
import pandas as pd
import pytest
from upi_kit import metrics, story


def day(n=200, date="2025-03-03"):
    start = pd.Timestamp(f"{date} 00:00", tz=story.TIMEZONE)
    return pd.Series(pd.DatetimeIndex([start + pd.Timedelta(minutes=5 * i) for i in range(n)]).tz_convert("UTC"))


def test_alerts_are_reviewed_in_arrival_order_until_the_budget_is_spent():
    ts = day(200)  # budget 2
    alerted = np.zeros(200, bool)
    alerted[[150, 10, 60, 199]] = True
    assert np.flatnonzero(metrics.reviewed(ts, alerted, share=0.01)).tolist() == [10, 60]


def test_arrival_order_is_by_time_not_by_row():
    ts = day(200)
    shuffled = ts.iloc[::-1].reset_index(drop=True)  # the last row is the day's first payment
    alerted = np.zeros(200, bool)
    alerted[[0, 1, 198, 199]] = True
    assert np.flatnonzero(metrics.reviewed(shuffled, alerted, share=0.01)).tolist() == [198, 199]


def test_each_ist_day_has_its_own_budget_from_all_its_payments():
    ts = pd.concat([day(200, "2025-03-03"), day(400, "2025-03-04")], ignore_index=True)  # budgets 2 and 4
    alerted = np.ones(600, bool)
    seen = metrics.reviewed(ts, alerted, share=0.01)
    assert seen[:200].sum() == 2 and seen[200:].sum() == 4
    assert metrics.reviewed(ts, alerted).sum() == round(200 * story.ALERT_BUDGET_SHARE) + round(400 * story.ALERT_BUDGET_SHARE)


def test_an_unreviewed_alert_catches_nothing():
    ts = day(200)
    alerted = np.zeros(200, bool)
    alerted[[5, 6, 7]] = True  # three alerts, budget two
    fraud = np.zeros(200, bool)
    fraud[7] = True  # the fraud is the third alert
    r = metrics.review(ts, alerted, fraud, np.full(200, 5000.0), share=0.01)
    assert (r.alerts, r.reviewed, r.unreviewed, r.true_alerts, r.false_alerts) == (3, 2, 1, 0, 2)
    assert r.fraud_caught_inr == 0 and r.fraud_missed_inr == 5000
    assert r.net_value_inr == -2 * (story.REVIEW_COST_INR + story.FRICTION_COST_INR)


def test_hindsight_top_k_alerts_are_all_reviewed():
    ts = day(300)
    scores = np.random.default_rng(0).random(300)
    k = metrics.daily_budget(300)
    top = scores >= np.sort(scores)[-k]  # the day's top k = its budget
    assert metrics.reviewed(ts, top).tolist() == top.tolist()


def test_mismatched_lengths_are_explained():
    with pytest.raises(ValueError, match="one per payment"):
        metrics.reviewed(day(10), [True])


# --- One definition: no code counts a catch another way ---------------------------------------------------------------

import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
#: An alert mask combined with something else (`alert & fraud`, `amount * df["alert"]`): how a catch is counted.
MASK = re.compile(r"""(?<![\w"'])(alert|alerted)(\b(?!["'_])|["']\])\s*&|&\s*~?\(?\s*(\w+\[["'])?(alert|alerted)\b(?!_)"""
                  r"""|\[["']alert["']\]\s*\*(?!\*)|(?<!\*)\*\s*\w+\[["']alert["']\]""")
#: Names that hold a catch in rupees or counts: whoever computes one must use the review rule.
CATCH = re.compile(r"(caught_inr|rupees_caught|fraud_caught|caught_known)\s*=")
RULE = ("metrics.review", "metrics.reviewed", "rupee_value(", '["reviewed"]')


def sources():
    """Every Python file of the project and the course, and every code cell of the solutions: (where, text)."""
    for folder in ("project/src", "project/tests", "project/feature_repo", "mlops_course", "bench", "tools"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield str(path.relative_to(ROOT)), path.read_text()
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            if cell["cell_type"] == "code":
                yield f"{path.name} cell {i}", "".join(cell["source"])


def test_the_mask_pattern_finds_the_ways_a_catch_is_counted():
    for line in ('caught = amount[alert & fraud].sum()', 'x = df["alert"] * df["amount_inr"]',
                 'n = (known & shadow["alert"]).sum()', 'caught = fraud & alerted'):
        assert MASK.search(line), line
    for line in ('rate = stats["alert_rate"] * 100', 'alerts = int(alert.sum())', 'x = 2 ** alert_rate'):
        assert not MASK.search(line), line


def test_only_the_review_rule_combines_alerts_with_frauds_or_amounts():
    offenders = [f"{where}: {line.strip()}" for where, text in sources() if where != "project/src/upi_kit/metrics.py"
                 for line in text.splitlines() if MASK.search(line) and not line.lstrip().startswith("#")]
    assert not offenders, "count catches with upi_kit.metrics.review / reviewed:\n" + "\n".join(offenders)


def test_every_catch_in_rupees_or_counts_comes_through_the_review_rule():
    found = [(where, text) for where, text in sources() if CATCH.search(text)]
    assert len(found) >= 3, "the scan found too few catches to be looking at the right files"
    offenders = [where for where, text in found
                 if where != "project/src/upi_kit/metrics.py" and not any(rule in text for rule in RULE)]
    assert not offenders, f"these compute a catch without the review rule: {offenders}"
