"""The bank's rules baseline: how many of three account-takeover rules fire for a payment (0 to 3).

Written in lab 01 (exercise 1.3). Every model of the course is compared with it, in rupees.
"""

from __future__ import annotations

import pandas as pd

from upi_kit import story


def rules_score(df: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """New device + night (IST) + large amount, each 0 or 1: a Series of ints on the index of `df`."""
    ### BEGIN SOLUTION 1.3
    usual = df["customer_id"].map(customers.set_index("customer_id")["usual_device_id"])
    new_device = df["device_id"].astype(str) != usual.astype(str)
    night = df["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.hour.isin(story.NIGHT_HOURS_IST)
    high_amount = df["amount_inr"] >= story.RULES_HIGH_AMOUNT_INR
    return new_device.astype(int) + night.astype(int) + high_amount.astype(int)
    ### END SOLUTION
