"""What the loop is worth, in hindsight: the same production months under the loop and under the frozen model.

Given in lab 07. For this comparison only, every payment's truth is known (the loop itself only ever used
the labels known at each Monday). Decisions are read from each arm's inference log, one per payment, and
valued with the one review rule (upi_kit.metrics.review): an alert the team had no capacity for catches
nothing, and every fraud is worth its ledger amount, not what a broken app sent.
"""

from __future__ import annotations

import json
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from mlflow import MlflowClient

from upi_fraud import registry
from upi_fraud.dates import monday, week_of
from upi_fraud.loop import arms as hindsight
from upi_fraud.serving import inference_log
from upi_kit import data, metrics, story


def outcomes(upi: data.UPIData, log_path: Path, version: str | None = None) -> pd.DataFrame:
    """Per logged payment (one decision each, of `version` if given): its alert, and, known in hindsight for this
    comparison only, whether it was fraud, its type and its ledger amount; and whether the team reviewed it."""
    return outcomes_of(upi, inference_log.read(log_path, ["txn_id", "event_timestamp", "alert"], version=version))


def outcomes_of(upi: data.UPIData, rows: pd.DataFrame) -> pd.DataFrame:
    """outcomes() for decisions in a frame (txn_id, event_timestamp, alert): a log's, or a hindsight arm's."""
    rows = rows[["txn_id", "event_timestamp", "alert"]].reset_index(drop=True)
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


#: Bootstrap resamples of the production days, and the interval they give.
BOOTSTRAP_REPS, CONFIDENCE = 2_000, 0.95
#: Time to mitigate: the first day an arm's new-scam recall over the trailing days reaches this share of the oracle's.
MITIGATED_SHARE, TRAILING_DAYS = 0.5, 7


def daily(frame: pd.DataFrame) -> pd.DataFrame:
    """Per IST day of one arm: its net value (the review rule is per day, so days add up) and its new-scam cases and
    catches."""
    day = metrics.ist_days(frame["event_timestamp"])
    fraud, seen = frame["is_fraud"].to_numpy(bool), frame["reviewed"].to_numpy(bool)
    scam = (frame["fraud_type"] == "new_scam").to_numpy()
    parts = pd.DataFrame({"day": day, "fraud_inr": frame[metrics.LEDGER].to_numpy(float) * (fraud & seen),
                          "reviewed": seen, "false_alarms": seen & ~fraud, "scam_cases": scam,
                          "scam_caught": scam & seen}).groupby("day").sum()
    parts["net_inr"] = [metrics.net_value(float(f), int(r), int(a)) for f, r, a in
                        parts[["fraud_inr", "reviewed", "false_alarms"]].itertuples(index=False)]
    return parts[["net_inr", "scam_cases", "scam_caught"]].astype({"scam_cases": int, "scam_caught": int})


def bootstrap(gain_by_day: pd.Series, groups: pd.Series, seed: int = 0) -> pd.DataFrame:
    """A day-resampling bootstrap of a cumulative daily gain: for each group (a week, in order) the cumulative gain
    to its end with its CONFIDENCE interval. Frauds cluster within days, so days are resampled, not payments."""
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(len(gain_by_day), np.full(len(gain_by_day), 1 / len(gain_by_day)), size=BOOTSTRAP_REPS)
    order = pd.unique(groups)
    upto = np.array([(groups.to_numpy() <= g) for g in order], dtype=float)  # group x day
    draws = counts * gain_by_day.to_numpy()  # rep x day
    cumulative = draws @ upto.T  # rep x group
    tail = (1 - CONFIDENCE) / 2
    return pd.DataFrame({"gain_inr": upto @ gain_by_day.to_numpy(), "low_inr": np.quantile(cumulative, tail, axis=0),
                         "high_inr": np.quantile(cumulative, 1 - tail, axis=0)}, index=order)


def time_to_mitigate(days: dict[str, pd.DataFrame], first_day: date) -> dict[str, int | None]:
    """Per arm, days from the new scam's first payment to the first day its new-scam recall over the trailing
    TRAILING_DAYS reaches MITIGATED_SHARE of the oracle's (None: never in the period)."""
    window = {name: d[["scam_cases", "scam_caught"]].rolling(TRAILING_DAYS, min_periods=1).sum()
              for name, d in days.items()}
    best = window["oracle"]["scam_caught"] / window["oracle"]["scam_cases"]
    out: dict[str, int | None] = {}
    for name, w in window.items():
        recall = w["scam_caught"] / w["scam_cases"]
        hit = recall.index[(recall.index >= first_day) & (w["scam_caught"] > 0) & (recall >= MITIGATED_SHARE * best)]
        out[name] = (hit[0] - first_day).days if len(hit) else None
    return out


def compare(upi: data.UPIData, arms: dict[str, pd.DataFrame]) -> tuple[dict[str, Any], pd.DataFrame]:
    """Four arms over the same payments (frozen, loop, no_quarantine, oracle: decision frames): each arm's value, its
    gain over the frozen model with a day-bootstrap interval, the loop's share of the oracle's gain and each arm's
    time to mitigate the new scam. Returns the figures and the weekly cumulative gains with their bands."""
    frames = {name: outcomes_of(upi, rows) for name, rows in arms.items()}
    days = {name: daily(frame) for name, frame in frames.items()}
    index = days["frozen"].index
    weeks = pd.Series([monday(d) for d in index], index=index)
    bands = {name: bootstrap(days[name]["net_inr"].reindex(index, fill_value=0) - days["frozen"]["net_inr"], weeks)
             for name in arms if name != "frozen"}
    scam_days = days["frozen"].index[days["frozen"]["scam_cases"] > 0]
    first = scam_days[0] if len(scam_days) else None
    gain = {name: {"gain_inr": round(float(b["gain_inr"].iloc[-1]), 2), "low_inr": round(float(b["low_inr"].iloc[-1]), 2),
                   "high_inr": round(float(b["high_inr"].iloc[-1]), 2)} for name, b in bands.items()}
    oracle = gain["oracle"]["gain_inr"]
    values = {name: value(frame) for name, frame in frames.items()}
    out = {"arms": values, "gain": gain, "frozen_missed_inr": values["frozen"]["missed_inr"],
           "share_of_oracle": round(gain["loop"]["gain_inr"] / oracle, 4) if oracle > 0 else None,
           "new_scam_first_day": str(first) if first else None,
           "days_to_mitigate": time_to_mitigate(days, first) if first else dict.fromkeys(arms)}
    weekly = pd.concat(bands, axis=1)
    return out, weekly


def frozen_record(frozen_log: Path, go_live: str) -> tuple[pd.DataFrame, str]:
    """The go-live model's decisions over production (lab 04's log) and its feature set."""
    feature_set = MlflowClient().get_model_version(registry.MODEL_NAME, go_live).tags.get("feature_set", "v1")
    return inference_log.read(frozen_log, hindsight.DECISIONS, version=go_live), feature_set


class Hindsight:
    """The two hindsight arms, trained in one background thread beside the lab (their fits release the GIL): the
    oracle from the start, since it needs only the frozen record, so it trains while the loop runs; then, once the
    loop has run (`after_loop`), the loop without quarantine, which replays the loop's schedule."""

    def __init__(self, upi: data.UPIData, frozen_log: Path, loop_out: Path, size: str, seed: int, go_live: str):
        self.upi, self.loop_out = upi, loop_out
        self.frozen, feature_set = frozen_record(frozen_log, go_live)
        self.run = (size, seed, feature_set)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hindsight")
        self._oracle = self._thread.submit(hindsight.oracle, upi, self.frozen, self.run, loop_out / "arms")
        self._arms: Future[dict[str, pd.DataFrame]] | None = None

    def after_loop(self) -> Future[dict[str, pd.DataFrame]]:
        """Queue the arms that need the loop's record (weeks.json), behind the oracle."""
        record = json.loads((self.loop_out / "weeks.json").read_text())
        self._arms = self._thread.submit(hindsight.arms, self.upi, self.frozen, record, self.run,
                                         self.loop_out / "arms")
        return self._arms

    def arms(self) -> dict[str, pd.DataFrame]:
        """Both arms' decisions, once trained (an error in the thread is raised here)."""
        pending = self._arms or self.after_loop()
        self._oracle.result()
        arms = pending.result()
        self._thread.shutdown()
        return arms


def start_hindsight(upi: data.UPIData, frozen_log: Path, loop_out: Path, size: str, seed: int,
                    go_live: str) -> Hindsight:
    """The hindsight arms in a background thread: lab 07 starts it before the loop and calls `after_loop` once the
    loop has run; worth() waits for it."""
    return Hindsight(upi, frozen_log, loop_out, size, seed, go_live)


def worth(upi: data.UPIData, frozen_log: Path, loop_out: Path, size: str, seed: int,
          background: Hindsight | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """The four arms over the production months (frozen and loop from their logs, the hindsight arms from the
    background thread if lab 07 started one, else from arms.py's cache under loop_out/arms), compared; writes
    loop_out/worth.json and weekly_gain.csv."""
    record = json.loads((loop_out / "weeks.json").read_text())
    if background is not None:
        frozen, extra = background.frozen, background.arms()
    else:
        frozen, feature_set = frozen_record(frozen_log, record["go_live"])
        extra = hindsight.arms(upi, frozen, record, (size, seed, feature_set), loop_out / "arms")
    looped = inference_log.read(loop_out / "inference_log.db", hindsight.DECISIONS)
    figures, weekly = compare(upi, {"frozen": frozen, "loop": looped, **extra})
    weekly.to_csv(loop_out / "weekly_gain.csv")
    (loop_out / "worth.json").write_text(json.dumps(figures, indent=1, default=str) + "\n")
    return figures, weekly
