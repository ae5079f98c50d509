"""Monitoring judged against the story: which weekly alerts the story's events explain, and which are false alarms.

The dataset is ours, so we know what happened each week (`upi_kit.story.EVENTS`: each event, its days and
the monitored columns it moves, named there before anything was measured). A week's reason is *explained*
when an event running that week names what the reason is about:

* a drift WARN: every drifted column (and `score` for prediction drift, `alert_rate` for the alert rate);
* an INCIDENT: the column of each failed data-quality check, by an event running in the week itself;
* a RETRAIN: the new scam (the story's one change in what fraud looks like) running in the 28 days judged.

Anything else is a false alarm. Lab 06 shows the count; the story tests hold it to its target.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from upi_kit import story

#: Performance is judged on the last 28 days of payments (monitoring/config.py WINDOW_DAYS).
WINDOW_DAYS = 28


def running(week: date, echo: bool = True, window_days: int = 0) -> list[story.Event]:
    """The events with a day in the IST week starting on Monday `week` (with their echo; or within window_days)."""
    first, last = week - timedelta(days=window_days), week + timedelta(days=6)
    return [e for e in story.EVENTS
            if e.start <= last and first <= e.end + timedelta(days=e.echo_days if echo else 0)]


def drifted(statistics: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """The monitored columns (and `score`) whose drift statistic is past its frozen threshold."""
    return [name.split(":", 1)[1] for name, limit in thresholds.items()
            if name.startswith("drift:") and statistics.get(name) is not None and statistics[name] > limit]


def _subjects(reason: dict[str, Any], statistics: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """What a reason is about: the columns it names (a drift reason: every drifted input)."""
    check = reason["check"]
    if check == "drift":
        return [c for c in drifted(statistics, thresholds) if c != "score"]
    if check == "score_drift":
        return ["score"]
    if check in ("unit_fold", "out_of_range_share"):
        return ["amount_inr"]
    if ":" in check and check.split(":")[0] in ("missing_share", "new_category_share"):
        return [check.split(":", 1)[1]]
    return [check]  # alert_rate, model_version


def judge_week(row: dict[str, Any], thresholds: dict[str, float]) -> dict[str, Any]:
    """One week of weeks.json: each status it raised, explained (by which events) or a false alarm (why)."""
    week = date.fromisoformat(row["week"])
    out: dict[str, Any] = {"week": row["week"], "status": row["status"]}
    for status in ("WARN", "INCIDENT", "RETRAIN"):
        reasons = [r for r in row["reasons"] if r["status"] == status]
        if not reasons:
            continue
        if status == "RETRAIN":
            events = [e for e in running(week, echo=False, window_days=WINDOW_DAYS) if e.name == "new scam"]
            unexplained = [] if events else [r["check"] for r in reasons]
        else:
            events = running(week, echo=status == "WARN")
            named = {c for e in events for c in e.columns}
            unexplained = [s for r in reasons for s in _subjects(r, row["statistics"], thresholds) if s not in named]
        used = [e.name for e in events if status == "RETRAIN"
                or any(s in e.columns for r in reasons for s in _subjects(r, row["statistics"], thresholds))]
        out[status] = "false alarm: " + ", ".join(dict.fromkeys(unexplained)) if unexplained else ", ".join(used)
    return out


def judge(rows: list[dict[str, Any]], thresholds: dict[str, float]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Every week judged against the story, and the false-alarm counts per status."""
    table = pd.DataFrame([judge_week(r, thresholds) for r in rows]).set_index("week")
    for status in ("WARN", "INCIDENT", "RETRAIN"):
        table[status] = table[status].fillna("") if status in table else ""
    counts = {f"false {status}": int(table[status].str.startswith("false alarm").sum())
              for status in ("WARN", "INCIDENT", "RETRAIN")}
    return table[["status", "INCIDENT", "RETRAIN", "WARN"]], counts


def detections(table: pd.DataFrame, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Per story event: when it started, when monitoring first said so for the right reason (the end of the first
    week whose reason of the event's `right_status` it explains), and how many weeks it explains a reason of."""
    judged_at = {r["week"]: pd.Timestamp(r["judged_at"]).date() for r in rows}
    out = []
    for event in story.EVENTS:
        def names(cell: str) -> list[str]:
            return [] if cell.startswith("false alarm") else cell.split(", ")

        weeks = [week for week, row in table.iterrows()
                 if any(event.name in names(row[status]) for status in ("INCIDENT", "RETRAIN", "WARN"))]
        right = [week for week, row in table.iterrows() if event.name in names(row[event.right_status])]
        detected = judged_at[right[0]] if right else None
        out.append({"event": event.name, "started": event.start, "detected": detected,
                    "days": (detected - event.start).days if detected else None,
                    "by": event.right_status if right else "missed", "weeks explained": len(weeks)})
    return pd.DataFrame(out).set_index("event")
