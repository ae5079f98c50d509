"""The as-of label cut: what the bank knew at a moment (exercise 5.8, lab 05).

A fraud is labelled when its victim reports it, days or weeks after the payment. Continuous training as
of a moment may learn only from the reports that had arrived by then: a fraud reported later looks
legitimate then, and training on its label would be learning from the future.
"""

from __future__ import annotations

import pandas as pd


def known_as_of(tx: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """0/1 labels (Series 'label') of the payments made before `as_of`: 1 for a fraud reported before `as_of`."""
    ### BEGIN SOLUTION 5.8
    made = tx[tx["event_timestamp"] < as_of]
    known = made["is_fraud"].astype(bool) & (made["label_available_at"] < as_of)
    return known.astype(int).rename("label")
    ### END SOLUTION
