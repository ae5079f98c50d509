"""The closed loop, week by week: serve, monitor, decide, then retrain, shadow, promote or drop (given in lab 07).

Each production week, in time order:
  serve    the champion decides the week's payments: a sample through the live service (HTTP, if one runs),
           the rest in bulk with the same scoring code (lab 04); all go to the loop's own inference log
  monitor  lab 06's weekly job judges the week with the frozen policy: OK, WARN, RETRAIN or INCIDENT
  decide   your decision.decide_week: page, retrain, shadow, promote, drop or nothing; after a promote or
           drop it is asked again, so a trigger that still holds retrains the same Monday
  retrain  lab 05's continuous training as of the week's end; a challenger that passes gets the alias
           "challenger", not "champion"
  shadow   the next week the challenger scores the same payments beside the champion without deciding; a week
           monitoring judges an incident does not count (broken data judges nothing): it shadows again
  promote  the alias "champion" moves; the live service follows it by itself (serving/watcher.py), no restart
Everything it writes is under the workspace's loop/ folder; a new run starts again from the go-live champion.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from feast import FeatureStore
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from upi_fraud import features, layout, registry, tracking
from upi_fraud.ct import run as ct
from upi_fraud.dates import GO_LIVE, day_start
from upi_fraud.loop import actions, aliases, decision, drill, shadow
from upi_fraud.loop.state import (
    CHALLENGER,
    GO_LIVE_ALIAS,
    Change,
    LoopError,
    LoopState,
    Shadow,
    WeekVerdict,
)
from upi_fraud.monitoring import weekly
from upi_fraud.serving import freshness, inference_log, replay, scoring
from upi_fraud.serving.inference_log import InferenceLog
from upi_kit import data, workspace

CHAMPION = registry.CHAMPION


class Bundles:
    """Model bundles by version, each loaded once; and the payments' model inputs by feature set, computed once."""

    def __init__(self) -> None:
        self.cache: dict[str, scoring.Bundle] = {}
        self.inputs: dict[str, pd.DataFrame] = {}

    def get(self, version: str) -> scoring.Bundle:
        if version not in self.cache:
            self.cache[version] = scoring.load_bundle(registry.MODEL_NAME, version=version)
        return self.cache[version]

    def inputs_of(self, upi: data.UPIData, bundle: scoring.Bundle) -> pd.DataFrame:
        if bundle.feature_set not in self.inputs:
            self.inputs[bundle.feature_set] = features.model_inputs(upi, bundle.feature_set)
        return self.inputs[bundle.feature_set]


@dataclass
class Context:
    """What every week of one loop run shares."""

    upi: data.UPIData
    size: str
    client: MlflowClient
    out: Path
    monitor: weekly.Monitor
    log: InferenceLog
    allowed_alert_rate: float
    url: str | None = None
    sample: int = 0
    store: FeatureStore | None = None
    bundles: Bundles = field(default_factory=Bundles)


def start_afresh(client: MlflowClient, out: Path) -> str:
    """The loop replays production from go-live: champion back to the go-live version, no challenger and no previous
    champion, empty state."""
    try:
        go_live = str(client.get_model_version_by_alias(registry.MODEL_NAME, GO_LIVE_ALIAS).version)
    except MlflowException:
        raise LoopError(f"the registry has no '{GO_LIVE_ALIAS}' alias on {registry.MODEL_NAME}: run lab 05 first "
                        "(it keeps the go-live version under that alias)") from None
    client.set_registered_model_alias(registry.MODEL_NAME, CHAMPION, go_live)
    for alias in (CHALLENGER, aliases.PREVIOUS):  # no challenger waits, nothing to roll back to
        try:
            client.delete_registered_model_alias(registry.MODEL_NAME, alias)
        except MlflowException:  # the alias is not set: nothing to delete
            pass
    out.mkdir(parents=True, exist_ok=True)
    for item in out.iterdir():  # the log stays (a running service has it open): its rows go, in run(); the
        # hindsight arms' cache stays too (arms.py: keyed by its inputs, a stale entry is never read)
        if not item.name.startswith(("inference_log.db", ".log_key")) and item.name != "arms":
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    return go_live


def serve_week(ctx: Context, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The champion decides the week: the first `sample` payments over HTTP (if a service runs), then all in bulk.

    The bulk pass skips what the service already logged (same txn_id and model version), so the log holds one
    decision per payment. Returns the bulk decisions and how far the HTTP answers are from them.
    """
    version = scoring.alias_version(registry.MODEL_NAME, CHAMPION)
    http = None
    if ctx.url and ctx.sample and ctx.store is not None:
        freshness.advance_store(ctx.store, ctx.upi, start)  # the store as of the week's start
        part = replay.payments_between(ctx.upi.transactions, start, end).head(ctx.sample)
        answers = replay.replay_http(ctx.url, replay.as_requests(part), progress=False)
        http = pd.DataFrame({"txn_id": part["txn_id"].astype(str).to_numpy(),
                             "score": [a["score"] for a in answers], "version": [a["model_version"] for a in answers]})
    before = inference_log.read(ctx.log.path, ["txn_id", "event_timestamp", "score", "threshold"],
                                start - pd.Timedelta(days=7), start, version=version)  # the weekly threshold's input
    bundle = ctx.bundles.get(version)
    decided = replay.replay_bulk(ctx.upi, start, end, bundle, ctx.log, explain=False, before=before,
                                 inputs=ctx.bundles.inputs_of(ctx.upi, bundle))
    out: dict[str, Any] = {"version": version, "payments": len(decided), "alerts": int(decided["alert"].sum())}
    if http is not None:
        both = http.merge(decided, on="txn_id", suffixes=("_http", "_bulk"))
        out.update(http=len(http), http_versions=sorted(set(http["version"])),
                   http_vs_bulk=round(float((both["score_http"] - both["score_bulk"]).abs().max()), 6))
    return decided, out


def shadow_week(ctx: Context, version: str, start: pd.Timestamp, end: pd.Timestamp,
                champion_decisions: pd.DataFrame) -> Shadow:
    """The challenger scores the same payments without deciding; compare it with the champion.

    ok: it scored every payment and its alert rate fits what the alert policy allows (the review team's capacity).
    The frauds reported by the week's end show which model would have caught more; there are few so soon, so
    they are reported, not used to decide (the gate already judged the value on a labelled holdout).
    """
    bundle = ctx.bundles.get(version)
    decided = replay.replay_bulk(ctx.upi, start, end, bundle, explain=False,
                                 inputs=ctx.bundles.inputs_of(ctx.upi, bundle))
    return shadow.judge(decided, champion_decisions, ctx.upi.transactions, end, ctx.allowed_alert_rate)


def retrain(ctx: Context, as_of: pd.Timestamp, why: str) -> dict[str, Any]:
    """Lab 05's continuous training as of `as_of`; a challenger that passes the gate gets the alias 'challenger'."""
    config = ct.CTConfig(data_size=ctx.size, seed=ctx.upi.seed, alias=CHALLENGER, model_name=registry.MODEL_NAME)
    made = ct.run(config, as_of, why)
    return {"as_of": as_of.isoformat(), "version": made.version, "gate_passed": made.promoted, "why": made.why,
            "quarantined": made.quarantined, "tests": made.tests,
            "challenger_inr": made.challenger["net_value_inr"], "champion_inr": made.champion_value,
            "recall": made.recall, "champion_recall": made.champion_recall}


def act(ctx: Context, state: LoopState, action: str, verdict: dict[str, Any], end: pd.Timestamp) -> dict[str, Any]:
    """Carry out the week's action (your actions.act, through the module); after a promotion, measure how long the
    live service took to follow the alias. What happened, for the week's row."""
    row = actions.act(ctx.client, registry.MODEL_NAME, state, action, verdict,
                      lambda as_of, why: retrain(ctx, as_of, why))
    payload = drill.probe(ctx.upi, end) if ctx.url and "promote" in row else None  # None after the last day
    if ctx.url and payload is not None:
        version = row["promote"]["version"]
        row["promote"]["seconds_until_served"] = drill.wait_until_served(ctx.url, version, payload)
    return row


def run_week(ctx: Context, state: LoopState, week: date) -> dict[str, Any]:
    """Serve, monitor and act on one IST week (Monday `week`); returns the week's row for weeks.json."""
    start = day_start(week)
    end = start + pd.Timedelta(days=7)
    decided, served = serve_week(ctx, start, end)
    row: dict[str, Any] = {"week": str(week), "served": served}
    pending = state.challenger
    shadowed = None
    if pending is not None and pending.gate_passed and pending.shadow is None:
        shadowed = shadow_week(ctx, pending.version, start, end, decided)
        row["shadow"] = {"version": pending.version, **asdict(shadowed)}
    out = weekly.Outputs(ctx.out / "monitoring", ctx.out / "reports", ctx.out / "triggers")
    verdict = weekly.run_weeks(ctx.monitor, [week], out, html=False, snapshots=False)[0]
    if pending is not None and shadowed is not None:
        # An incident week judges nothing (lab 05's quarantine): its shadow does not count, the challenger shadows
        # again the next week.
        row["shadow"]["counted"] = verdict["status"] != "INCIDENT"
        pending.shadow = shadowed if row["shadow"]["counted"] else None
    judged = WeekVerdict(verdict["status"], verdict["retrain"], pd.Timestamp(verdict["judged_at"]))
    action = decision.decide_week(judged, pending)  # through the module: your decision now
    row.update(status=verdict["status"], checks=[r["check"] for r in verdict["reasons"]], action=action)
    row.update(act(ctx, state, action, verdict, end))
    if action in ("promote", "drop"):  # the challenger is settled; a trigger that still holds starts the next one
        then = decision.decide_week(judged, None)
        if then == "retrain":
            row.update(then=then, **act(ctx, state, then, verdict, end))
    return row


def run(upi: data.UPIData, weeks: Iterable[date], size: str, url: str | None = None, sample: int = 0,
        progress: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """The loop over `weeks` (Mondays), from the go-live champion. Writes the workspace's loop/ and returns the rows."""
    tracking.use_experiment(ct.EXPERIMENT)
    client, out = MlflowClient(), workspace.folder("loop")
    try:
        mon = weekly.Monitor.load(upi, log_path=out / "inference_log.db")
    except FileNotFoundError as err:
        raise LoopError(str(err)) from None
    go_live = start_afresh(client, out)
    log = InferenceLog(out / "inference_log.db")
    log.clear()  # a new run replays production from go-live
    ctx = Context(upi=upi, size=size, client=client, out=out, monitor=mon, log=log, url=url, sample=sample,
                  allowed_alert_rate=mon.policy["thresholds"]["alert_rate"])
    if url and sample:
        ctx.store = FeatureStore(repo_path=str(layout.feature_repo()))
        freshness.prepare(ctx.store, layout.go_live_snapshot(), upi, GO_LIVE)
        payload = drill.probe(upi, GO_LIVE)
        if payload is not None:  # the service follows the alias back to go-live
            drill.wait_until_served(url, go_live, payload)
    state = LoopState(challenger=None, changes=[Change(GO_LIVE, go_live)])
    rows = []
    for week in weeks:
        rows.append(run_week(ctx, state, week))
        if progress:
            progress(rows[-1])
    changes = [{"at": c.at.isoformat(), "version": c.version} for c in state.changes]
    (out / "weeks.json").write_text(json.dumps({"go_live": go_live, "changes": changes, "weeks": rows},
                                               indent=1, default=str) + "\n")
    return rows
