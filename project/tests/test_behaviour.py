"""Behavioural tests: does the model behave like a fraud model on cases nobody labelled? (exercise 5.5, lab 05)

CheckList style: each test generates many inputs from real payments (the fixture `frame`, July by default) and
judges the model (`under_test`) by a share, never by one example. The directional test is given (it runs your
direction_share of 5.4); the others are yours. The check runs this file against the reference project (every
test must pass) and against models that each get one behaviour wrong (some test must fail for each).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upi_fraud import features
from upi_fraud.validation import behaviour, direction
from upi_fraud.validation.judging import Frame, UnderTest
from upi_kit import data

#: Shares the tests demand (a model that ignores the amount raises no score by 5x the amount: 0%).
DIRECTION_SHARE, AMOUNT_SHARE, INVARIANCE_SHARE, TAKEOVER_ALERT_SHARE = 0.90, 0.30, 0.999, 0.90
SAMPLE = 2_000


def legit_sample(frame: Frame, seed: int) -> pd.DataFrame:
    """Model inputs of up to SAMPLE legitimate payments of the frame (a fixed sample per seed)."""
    legit = frame.part.index[frame.part["is_fraud"] == 0]
    return frame.X.loc[legit].sample(n=min(SAMPLE, len(legit)), random_state=seed)


def test_riskier_twin_scores_higher(under_test: UnderTest, frame: Frame) -> None:
    share = direction.direction_share(under_test.predict, legit_sample(frame, seed=0))
    assert share >= DIRECTION_SHARE, (f"only {share:.1%} of payments scored higher with a new device, at night, "
                                      f"5x the amount to a new payee (need {DIRECTION_SHARE:.0%})")


### BEGIN SOLUTION 5.5
def test_larger_amount_raises_the_score(under_test: UnderTest, frame: Frame) -> None:
    sample = legit_sample(frame, seed=2)
    larger = sample.assign(amount_inr=sample["amount_inr"] * behaviour.AMOUNT_FACTOR)
    share = float(np.mean(under_test.predict(larger) > under_test.predict(sample)))
    assert share >= AMOUNT_SHARE, (f"5x the amount raised the score of only {share:.1%} of payments (need "
                                   f"{AMOUNT_SHARE:.0%}): does the model read the amount?")


def test_renaming_a_customer_changes_no_score(upi: data.UPIData, under_test: UnderTest, frame: Frame) -> None:
    rows = frame.part.sample(n=min(SAMPLE, len(frame.part)), random_state=1).index
    renamed = features.model_inputs(behaviour.Renamed(upi), under_test.feature_set).loc[rows]
    before, after = under_test.predict(frame.X.loc[rows]), under_test.predict(renamed)
    same = float(np.mean(np.isclose(before, after, rtol=0, atol=1e-12)))
    assert same >= INVARIANCE_SHARE, f"renaming customers changed {1 - same:.1%} of scores: the model reads the id"


def test_canonical_takeover_bursts_alert(under_test: UnderTest, frame: Frame) -> None:
    bursts = behaviour.takeover_bursts(frame.X.loc[frame.part.index], n=200)
    share = float(np.mean(under_test.predict(bursts) >= frame.threshold))
    assert share >= TAKEOVER_ALERT_SHARE, (f"only {share:.0%} of canonical account takeovers (new device, night, a "
                                           f"large transfer in a burst) alert (need {TAKEOVER_ALERT_SHARE:.0%})")
### END SOLUTION
