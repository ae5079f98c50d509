"""Performance on the labels known so far: recall and rupees per fraud type (exercise 6.3, lab 06).

Labels arrive late: at the end of a week the bank knows only a fraction of that week's frauds. So recall
is measured over the last `days` of payments, on the reports received strictly before the moment of
judgement, never on what came later. A fraud counts as caught only if the team reviewed its alert (the
record's `reviewed`, upi_kit.metrics' one rule), and it is worth what the bank's ledger says (the report's
`ledger_amount_inr`), not what the app sent. weekly.py judges each week with it; thresholds.py uses it to
set the performance floors on July and August.
"""

from __future__ import annotations

import pandas as pd

from upi_fraud.monitoring.config import WINDOW_DAYS


def performance_as_of(record: pd.DataFrame, reports: pd.DataFrame, as_of: pd.Timestamp,
                      days: int = WINDOW_DAYS) -> pd.DataFrame:
    """Recall and rupees per fraud type over the payments of the `days` before `as_of`, on the reports known then.

    record: the production record (txn_id, event_timestamp, reviewed). reports: (txn_id, fraud_type,
    reported_at, ledger_amount_inr); a payment may be reported more than once. Returns one row per fraud
    type plus "all": cases (reported frauds), caught (of them, reviewed), recall, rupees (their ledger
    amount) and rupees_caught; indexed by fraud type.
    """
    ### BEGIN SOLUTION 6.3
    window = record[(record["event_timestamp"] >= as_of - pd.Timedelta(days=days)) & (record["event_timestamp"] < as_of)]
    known = reports[reports["reported_at"] < as_of].sort_values("reported_at").drop_duplicates("txn_id")
    frauds = window.merge(known[["txn_id", "fraud_type", "ledger_amount_inr"]], on="txn_id")
    frauds = frauds.assign(caught=frauds["reviewed"].astype(int),
                           rupees_caught=frauds["ledger_amount_inr"] * frauds["reviewed"])
    parts = {**dict(tuple(frauds.groupby("fraud_type"))), "all": frauds}
    table = pd.DataFrame({name: {"cases": len(part), "caught": int(part["caught"].sum()),
                                 "rupees": float(part["ledger_amount_inr"].sum()),
                                 "rupees_caught": float(part["rupees_caught"].sum())} for name, part in parts.items()}).T
    table["recall"] = table["caught"] / table["cases"].where(table["cases"] > 0)
    return table[["cases", "caught", "recall", "rupees", "rupees_caught"]]
    ### END SOLUTION
