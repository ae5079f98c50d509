"""The weekly job: judge IST weeks in order, at their end, on what was known then (given in lab 06).

For each week: the week's record from the inference log against the reference (July, scored by the same
model), one Evidently report with the frozen thresholds as tests, performance over the last 28 days on the
reports received by the week's end (your performance.performance_as_of), the findings (checks.py) and one
status (your policy.decide). Then the week's snapshots go to the Evidently workspace (the dashboard), an HTML
report of every week that is not OK to reports/, the verdict to monitoring/weeks.json, and a trigger record
(lab 05's schema) to triggers/ when the verdict asks for RETRAIN.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from evidently.core.report import Snapshot

from upi_fraud.ct import trigger
from upi_fraud.dates import day_start
from upi_fraud.monitoring import checks, config, dashboard, performance, policy, record, report, reports, thresholds
from upi_fraud.monitoring.findings import Verdict
from upi_kit import data, story, workspace


@dataclass(frozen=True)
class Outputs:
    """Where a run of weeks writes: weeks.json and the Evidently workspace, HTML reports, trigger records."""

    monitoring: Path
    reports: Path
    triggers: Path

    @classmethod
    def workspace(cls) -> Outputs:
        """The workspace's own folders: monitoring/, reports/ and triggers/."""
        return cls(workspace.folder("monitoring"), workspace.folder("reports"), workspace.folder("triggers"))


@dataclass(frozen=True)
class Judgement:
    """One week, judged: its verdict, the numbers behind it, and its two Evidently snapshots."""

    week: date
    judged_at: pd.Timestamp
    rows: int
    verdict: Verdict
    statistics: dict[str, float]
    performance: pd.DataFrame
    versions: pd.DataFrame
    snapshots: tuple[Snapshot, Snapshot]

    def row(self) -> dict[str, Any]:
        """The week as weeks.json keeps it (plain JSON)."""
        return {"week": str(self.week), "judged_at": self.judged_at.tz_convert(story.TIMEZONE).isoformat(),
                "rows": self.rows, "status": self.verdict.status, "retrain": self.verdict.retrain,
                "reasons": [{"status": f.status, "check": f.check, "sentence": f.sentence, "runbook": f.runbook}
                            for f in self.verdict.reasons],
                "statistics": {k: (None if pd.isna(v) else round(float(v), 6)) for k, v in self.statistics.items()},
                "performance": json.loads(self.performance.round(6).to_json(orient="index")),
                "versions": json.loads(self.versions.reset_index().round(6).replace(np.inf, None)
                                       .to_json(orient="records"))}


class Monitor:
    """What monitoring needs in memory: the frozen policy, the reference, the fraud reports, the log."""

    def __init__(self, pol: dict[str, Any], reference: pd.DataFrame, reports_known: pd.DataFrame,
                 log_path: Path) -> None:
        self.policy, self.reference, self.reports, self.log_path = pol, reference, reports_known, Path(log_path)
        self.thresholds_report = report.data_report(reference, pol["thresholds"])
        self.reference_data = reports.dataset(reference, reports.drift_methods(reference))

    @classmethod
    def load(cls, upi: data.UPIData, log_path: Path | None = None, folder: Path | None = None) -> Monitor:
        """The frozen policy and reference from the monitoring folder; FileNotFoundError says how to make them."""
        base = folder or workspace.folder("monitoring")
        pol = thresholds.load(base / "policy.json")
        reference = pd.read_parquet(base / "reference.parquet")
        return cls(pol, reference, record.fraud_reports(upi),
                   log_path or workspace.folder("production") / "inference_log.db")

    def judge(self, week: date) -> Judgement:
        """The verdict on the IST week that starts on Monday `week`, with its snapshots and statistics."""
        start = day_start(week)
        end = start + pd.Timedelta(days=7)
        current = record.from_log(self.log_path, start, end)
        if current.empty:
            raise ValueError(f"the inference log has no payments in the week of {week}: replay it first "
                             "(python -m upi_fraud.serving.replay --bulk)")
        snapshot = reports.run_report(self.thresholds_report, current, self.reference, end, f"week of {week}",
                                      self.reference_data)
        stats, versions = reports.week_statistics(snapshot, current, self.reference)
        history = record.decisions(self.log_path, end - pd.Timedelta(days=config.WINDOW_DAYS), end)
        perf = performance.performance_as_of(history, self.reports, end)
        known = history.merge(self.reports[self.reports["reported_at"] < end]
                              .drop_duplicates("txn_id")[["txn_id", "fraud_type", "ledger_amount_inr"]], on="txn_id")
        served_by = str(current["model_version"].value_counts().index[0])
        found = checks.findings(reports.failed_tests(snapshot), stats, versions, perf, self.policy, self.reference,
                                served_by)
        return Judgement(week=week, judged_at=end, rows=len(current), verdict=policy.decide(found), statistics=stats,
                         performance=perf, versions=versions,
                         snapshots=(snapshot, reports.performance_report(known, end)))


def _trigger(row: dict[str, Any], folder: Path) -> str:
    """Write the retraining trigger a RETRAIN verdict asks for; its path, as a person reads it."""
    first = next(r for r in row["reasons"] if r["status"] == "RETRAIN")
    when = pd.Timestamp(row["judged_at"]).to_pydatetime()
    request = trigger.Trigger(reason="performance", detail=first["sentence"], raised_by="upi-monitor", as_of=when,
                              raised_at=when, evidence={"week": row["week"], "check": first["check"]})
    return workspace.relative(trigger.write(request, folder))


def run_weeks(mon: Monitor, weeks: Iterable[date], out: Outputs | None = None, html: bool = True,
              progress: Callable[[dict[str, Any]], None] | None = None,
              snapshots: bool = True) -> list[dict[str, Any]]:
    """Judge weeks in order; save snapshots (unless `snapshots` is False: nobody opens that dashboard), HTML for weeks
    that are not OK, weeks.json and triggers. Returns the rows."""
    out = out or Outputs.workspace()
    ws, project = dashboard.evidently_project(out.monitoring / "evidently") if snapshots else (None, None)
    out.reports.mkdir(parents=True, exist_ok=True)
    out.monitoring.mkdir(parents=True, exist_ok=True)
    state_path = out.monitoring / "weeks.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    rows = []
    for week in weeks:
        judged = mon.judge(week)
        row = judged.row()
        if ws is not None and project is not None:
            for old in state.get(str(week), {}).get("snapshot_ids", []):  # judged again: replace, never duplicate
                ws.delete_run(project.id, old)
            row["snapshot_ids"] = [str(ws.add_run(project.id, snap).id) for snap in judged.snapshots]
        if html and row["status"] != "OK":
            path = out.reports / f"week-{week}.html"
            judged.snapshots[0].save_html(str(path))
            row["report"] = workspace.relative(path)
        if row["retrain"]:
            row["trigger"] = _trigger(row, out.triggers)
        state[str(week)] = row
        rows.append(row)
        if progress:
            progress(row)
    state_path.write_text(json.dumps(dict(sorted(state.items())), indent=1) + "\n")
    return rows
