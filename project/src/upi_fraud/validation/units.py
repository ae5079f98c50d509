"""A unit change: an app version whose amounts moved by a unit (x100 paise, /100) (exercise 5.2, lab 05).

No range test sees it when the wrong amounts are small: ₹4.99 sent as 499 is still a plausible amount.
The batch's amounts per app version, against the reference's, give it away. data_checks.py runs it on
every weekly batch.
"""

from __future__ import annotations

import pandas as pd

#: A median that moved this many times (either way) is a unit change, not drift (festive amounts move x1.35).
UNIT_FACTOR = 10.0
#: An app version with fewer payments than this in a batch is not judged on its median.
MIN_ROWS = 20


def unit_change(batch: pd.DataFrame, reference: pd.DataFrame, factor: float = UNIT_FACTOR,
                min_rows: int = MIN_ROWS) -> dict[str, float]:
    """{app_version: ratio} for the versions whose median amount is >= factor or <= 1/factor times the reference's."""
    ### BEGIN SOLUTION 5.2
    usual = float(reference["amount_inr"].median())
    groups = batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["median", "size"])
    ratio = groups.loc[groups["size"] >= min_rows, "median"] / usual
    flagged = ratio[(ratio >= factor) | (ratio <= 1 / factor)]
    return {str(version): float(r) for version, r in flagged.items()}
    ### END SOLUTION
