"""Data tests for one batch of payments, before anything trains on it or trusts it (given in lab 05).

    python -m upi_fraud.validation.data_checks --data-size default     (every production week, checked)

A batch is one IST week. Two kinds of test, both naming the column and the app version to blame:
* the contract (your batch_contract.SCHEMA, in pandera): columns, types, ranges, categories, unique txn_id;
  and the null share of device_os per app version;
* the distribution: an app version whose amounts moved by a unit (your units.unit_change), which no
  range test sees when the wrong amounts are small.

Why pandera: it validates a whole DataFrame at once and reports every failing row (lazy=True), which is
how the sentences name the app version to blame; it is small and runs in-process. Great Expectations
does the same with more machinery (stores, data docs).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd
from pandera.errors import SchemaErrors

from upi_fraud.cli import add_data_arguments
from upi_fraud.dates import ist_dates, week_of
from upi_fraud.validation import batch_contract, units
from upi_kit import data, story

#: At most this share of a batch (and of any one app version's payments in it) may lack the device OS.
MAX_NULL_SHARE = 0.01


def _versions(batch: pd.DataFrame, index: pd.Index) -> str:
    """'app 5.7.0 (3,818 rows)' for the rows at `index`: who sent the bad data."""
    counts = batch.loc[batch.index.intersection(index), "app_version"].astype(str).value_counts()
    return ", ".join(f"app {version} ({n:,} rows)" for version, n in counts.items()) or "no app version"


def contract_failures(batch: pd.DataFrame) -> list[str]:
    """One sentence per broken column of the contract, naming the app versions of the failing rows."""
    try:
        batch_contract.SCHEMA.validate(batch, lazy=True)  # read at each call: a rewritten contract counts
    except SchemaErrors as err:
        cases = err.failure_cases
        out = []
        for (column, check), rows in cases.groupby(["column", "check"], dropna=False, sort=True):
            index = pd.Index(rows["index"].dropna())
            out.append(f"{column}: {len(rows):,} values fail {check}, from {_versions(batch, index)}")
        return out
    return []


def null_share_failures(batch: pd.DataFrame, column: str = "device_os", limit: float = MAX_NULL_SHARE) -> list[str]:
    """A column that is suddenly empty: the batch's null share, and the app versions that send nulls."""
    missing = batch[column].isna()
    share = batch.groupby(batch["app_version"].astype(str), observed=True)[column].apply(lambda s: s.isna().mean())
    bad = share[share > limit]
    if missing.mean() <= limit and bad.empty:
        return []
    versions = ", ".join(f"app {v} ({s:.0%} null)" for v, s in bad.items())
    return [f"{column}: {missing.mean():.1%} null (at most {limit:.0%} allowed), from {versions}"]


def check_batch(batch: pd.DataFrame, reference: pd.DataFrame) -> list[str]:
    """Every failure of one batch, as sentences; an empty list means the batch is clean."""
    failures = contract_failures(batch) + null_share_failures(batch)
    for version, ratio in units.unit_change(batch, reference).items():
        failures.append(f"amount_inr: app {version} sends amounts {ratio:,.1f} times the usual median "
                        "(a unit change: paise for rupees?)")
    return failures


def weekly_batches(tx: pd.DataFrame) -> dict[date, pd.DataFrame]:
    """The payments by IST week: {Monday's date: rows}, in time order."""
    return {week: rows for week, rows in tx.groupby(week_of(tx["event_timestamp"]), sort=True)}


def reference_frame(tx: pd.DataFrame) -> pd.DataFrame:
    """What 'usual' means: the training months (January to June)."""
    return tx[ist_dates(tx["event_timestamp"]) <= story.TRAIN_END]


def check_weeks(tx: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """One row per week: its rows, 'clean' or 'failed', and the reasons."""
    rows = []
    for week, batch in weekly_batches(tx).items():
        failures = check_batch(batch, reference)
        rows.append({"week": week, "rows": len(batch), "status": "failed" if failures else "clean",
                     "reasons": "; ".join(failures)})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run the data tests on every production week.")
    add_data_arguments(p)
    args = p.parse_args(argv)
    tx = data.load(args.data_size, seed=args.seed).transactions
    report = check_weeks(tx[ist_dates(tx["event_timestamp"]) >= story.GO_LIVE], reference_frame(tx))
    with pd.option_context("display.max_colwidth", 120, "display.width", 200):
        print(report.to_string(index=False))
    return 1 if (report["status"] == "failed").any() else 0


if __name__ == "__main__":
    sys.exit(main())
