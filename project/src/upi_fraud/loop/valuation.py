"""What the loop is worth, in hindsight: the same production months under the loop and under the frozen model.

Given in lab 07. For this comparison only, every payment's truth is known (the loop itself only ever used
the labels known at each Monday). Decisions are read from each arm's inference log, one per payment, and
valued with the one review rule (upi_kit.metrics.review): an alert the team had no capacity for catches
nothing, and every fraud is worth its ledger amount, not what a broken app sent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from upi_fraud.dates import week_of
from upi_fraud.serving import inference_log
from upi_kit import data, metrics, story


def outcomes(upi: data.UPIData, log_path: Path, version: str | None = None) -> pd.DataFrame:
    """Per logged payment (one decision each, of `version` if given): its alert, and, known in hindsight for this
    comparison only, whether it was fraud, its type and its ledger amount; and whether the team reviewed it."""
    rows = inference_log.read(log_path, ["txn_id", "event_timestamp", "alert"], version=version)
    truth = upi.transactions[["txn_id", "is_fraud", "fraud_type", metrics.LEDGER]].assign(
        txn_id=lambda t: t["txn_id"].astype(str))
    out = rows.merge(truth, on="txn_id", how="left", validate="one_to_one")
    out["week"] = week_of(out["event_timestamp"])
    out = out.assign(alert=out["alert"].astype(bool), is_fraud=out["is_fraud"].astype(bool))
    return out.assign(reviewed=metrics.reviewed(out["event_timestamp"], out["alert"]))


def value(frame: pd.DataFrame) -> dict[str, Any]:
    """Rupees caught (reviewed frauds, ledger amounts) and missed, alerts, reviews, false alarms and the net value."""
    r = metrics.review(frame["event_timestamp"], frame["alert"], frame["is_fraud"], frame[metrics.LEDGER])
    return {"payments": len(frame), "frauds": r.frauds, "caught": r.true_alerts,
            "caught_inr": r.fraud_caught_inr, "missed_inr": r.fraud_missed_inr,
            "alerts": r.alerts, "unreviewed": r.unreviewed, "false_alarms": r.false_alerts,
            "alert_rate": round(r.alerts / len(frame), 5) if len(frame) else None,
            "net_inr": r.net_value_inr}


def scam_recall(frame: pd.DataFrame, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
                ) -> dict[str, Any]:
    """The new scam's payments in [start, end): how many, how many caught (reviewed alerts), and the recall."""
    part = frame[frame["fraud_type"] == "new_scam"]
    if start is not None:
        part = part[part["event_timestamp"] >= start]
    if end is not None:
        part = part[part["event_timestamp"] < end]
    return {"cases": len(part), "caught": int(part["reviewed"].sum()),
            "recall": round(float(part["reviewed"].mean()), 4) if len(part) else None}


def summary(upi: data.UPIData, frozen_log: Path, loop_out: Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The production months twice: the model frozen at go-live, and the closed loop. Writes summary.json."""
    record = json.loads((loop_out / "weeks.json").read_text())
    frozen = outcomes(upi, frozen_log, record["go_live"])
    looped = outcomes(upi, loop_out / "inference_log.db")
    changed = [pd.Timestamp(c["at"]) for c in record["changes"][1:]]
    split = changed[0] if changed else None
    weekly = pd.concat({name: pd.DataFrame({w: value(g) for w, g in frame.groupby("week")}).T
                        for name, frame in (("frozen", frozen), ("loop", looped))}, axis=1)
    out = {"frozen": value(frozen), "loop": value(looped), "promotions": record["changes"][1:],
           "new_scam": {name: {"before": scam_recall(frame, end=split),
                               "after": None if split is None else scam_recall(frame, start=split)}
                        for name, frame in (("frozen", frozen), ("loop", looped))},
           "weeks_over_budget": {name: int((weekly[name]["alert_rate"] > story.ALERT_BUDGET_SHARE).sum())
                                 for name in ("frozen", "loop")}}
    out["gain_inr"] = round(out["loop"]["net_inr"] - out["frozen"]["net_inr"], 2)
    weekly.to_csv(loop_out / "weekly.csv")
    (loop_out / "summary.json").write_text(json.dumps(out, indent=1, default=str) + "\n")
    return out, weekly
