"""The project's time split: train on January-June, validate on July, test on August (IST dates).

Written in lab 01 (exercise 1.2). The features, train.py and the project's tests import it, so every
part of the project splits the same way. Payments after TEST_END are production (labs 04-07).
"""

from __future__ import annotations

import pandas as pd

from upi_kit import story


def split_by_time(tx: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(train, valid, test): the rows of `tx` by the IST calendar date of `event_timestamp`, ends inclusive."""
    ### BEGIN SOLUTION 1.2
    day = tx["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.date
    train = tx[day <= story.TRAIN_END]
    valid = tx[(day > story.TRAIN_END) & (day <= story.VALID_END)]
    test = tx[(day > story.VALID_END) & (day <= story.TEST_END)]
    return train, valid, test
    ### END SOLUTION
