"""Replay production: payments of a date range, in time order, through the live service or in bulk.

    python -m upi_fraud.serving.replay --from 2025-09-01 --to 2025-09-02 --url http://127.0.0.1:3000
    python -m upi_fraud.serving.replay --from 2025-09-01 --to 2026-01-01 --bulk          (or: upi-replay ...)

Given in lab 04. HTTP mode sends each payment to POST /score, as the payment switch would. Bulk mode is
for long ranges: lab 03's point-in-time pipeline computes the features from the raw payments, and
scoring.decide applies the same bundle (model, threshold, decision rule) as the service; it then writes
the online store as the service would have left it. Both modes log to the same inference log.

The online store is snapshotted at go-live. Every replay restores that snapshot and brings the store up
to the replay's start, so running a replay twice (or lab 04 after lab 06) never moves the store back or
forth in time.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Collection, Sequence
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from feast import FeatureStore

from upi_fraud import features, layout
from upi_fraud.cli import add_data_arguments
from upi_fraud.dates import GO_LIVE, day_start, week_of
from upi_fraud.serving import budget, freshness, inference_log, scoring
from upi_fraud.serving.inference_log import InferenceLog
from upi_kit import data, story, workspace

REQUEST_FIELDS = ["txn_id", "event_timestamp", "customer_id", "payee_id", "device_id", "amount_inr", "channel",
                  "payee_type", "merchant_category", "device_os", "app_version", "city_tier"]
CHUNK = 5_000


def payments_between(tx: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Payments with start <= time < end, in time order (ties by txn_id, as the switch saw them)."""
    part = tx[(tx["event_timestamp"] >= start) & (tx["event_timestamp"] < end)]
    return part.sort_values(["event_timestamp", "txn_id"], kind="stable")


def as_requests(part: pd.DataFrame) -> list[dict[str, Any]]:
    """Payments as the JSON the app sends (what POST /score takes)."""
    out = pd.DataFrame({name: part[name].astype(object) for name in REQUEST_FIELDS})
    out["event_timestamp"] = part["event_timestamp"].map(pd.Timestamp.isoformat)
    out["amount_inr"] = part["amount_inr"].astype(float)
    out["city_tier"] = part["city_tier"].astype(int)
    out["device_os"] = [None if pd.isna(os_name) else os_name for os_name in part["device_os"]]  # JSON null
    for name in ("txn_id", "customer_id", "payee_id", "device_id", "channel", "payee_type", "merchant_category",
                 "app_version"):
        out[name] = part[name].astype(str)
    return [{str(k): v for k, v in row.items()} for row in out.to_dict("records")]


def replay_http(url: str, requests_: Sequence[dict[str, Any]], dry_run: bool = False, progress: bool = True,
                timeout: float = 10, probe: Collection[str] = ()) -> list[dict[str, Any]]:
    """POST each payment to /score in order; returns the answers. Flushes the service's writes at the end.

    For txn_ids in `probe`, first ask /features what the store serves at that moment (answer["served"]).
    """
    import requests
    from tqdm import tqdm

    answers = []
    with requests.Session() as http:
        for payload in tqdm(requests_, desc="replay", unit="payment", disable=not progress, file=sys.stdout,
                            mininterval=5):
            served = None
            if payload["txn_id"] in probe:
                served = http.post(f"{url}/features", json={"payment": payload}, timeout=timeout).json()
            r = http.post(f"{url}/score", json={"payment": payload, "dry_run": dry_run}, timeout=timeout)
            if r.status_code != 200:
                raise RuntimeError(f"payment {payload['txn_id']} got HTTP {r.status_code}: {r.text[:200]}")
            answers.append({**r.json(), "served": served} if served is not None else r.json())
        flushed = http.post(f"{url}/flush", json={}, timeout=120).json()
    if flushed["errors"]:
        raise RuntimeError(f"the service could not write some payments back: {flushed['errors'][0]}")
    return answers


def replay_bulk(upi: data.UPIData, start: pd.Timestamp, end: pd.Timestamp, bundle: scoring.Bundle,
                log: InferenceLog | None = None, explain: bool = True,
                before: pd.DataFrame | None = None, inputs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Decisions (txn_id, score, threshold, alert) for every payment in [start, end); logged with path='bulk'.

    Week by week (IST), with the threshold budget.py recalibrates each Monday on the week before; `before`
    (score, threshold) is this version's week before `start`, if it served then; `inputs`, the bundle's feature
    set's model_inputs if the caller already has them (the loop computes them once per run). Works in chunks of
    CHUNK payments, so memory stays flat however long the range.
    """
    part = payments_between(upi.transactions, start, end)
    X = (features.model_inputs(upi, bundle.feature_set) if inputs is None else inputs).loc[part.index]
    weeks = week_of(part["event_timestamp"]).to_numpy()
    scores, alerts = np.zeros(len(part)), np.zeros(len(part), dtype=bool)

    def score_week(rows: np.ndarray, cut: float) -> np.ndarray:
        weekly = dataclasses.replace(bundle, threshold=cut)
        for i in range(0, len(rows), CHUNK):
            at = rows[i:i + CHUNK]
            chunk = X.iloc[at]
            decisions = scoring.decide(weekly, {name: chunk[name].to_numpy(object) for name in bundle.inputs}, explain)
            scores[at] = [d["score"] for d in decisions]
            alerts[at] = [d["alert"] for d in decisions]
            if log is not None:
                payments = as_requests(part.iloc[at])
                log.append([log.row(p, d, "bulk") for p, d in zip(payments, decisions, strict=True)])
        return scores[rows]

    cuts = budget.by_week(weeks, budget.after(before, bundle.threshold), score_week)
    return pd.DataFrame({"txn_id": part["txn_id"].astype(str).to_numpy(), "score": scores, "threshold": cuts,
                         "alert": alerts}, index=part.index)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="upi-replay", description="Replay production payments through the service or "
                                                                "in bulk.")
    p.add_argument("--from", dest="start", required=True, help="first IST day, e.g. 2025-09-01")
    p.add_argument("--to", dest="end", required=True, help="IST day after the last one, e.g. 2025-09-08")
    p.add_argument("--url", help="the live service, e.g. http://127.0.0.1:3000 (HTTP mode)")
    p.add_argument("--bulk", action="store_true", help="score in-process with the point-in-time pipeline")
    p.add_argument("--dry-run", action="store_true", help="HTTP mode: no log, no feature writes")
    add_data_arguments(p)
    args = p.parse_args(argv)
    start, end = day_start(args.start), day_start(args.end)
    if not GO_LIVE <= start < end:
        p.error(f"need {story.GO_LIVE} <= --from < --to, got {args.start} and {args.end}")
    if bool(args.url) == args.bulk:
        p.error("choose one: --url URL (HTTP) or --bulk")
    upi = data.load(args.data_size, seed=args.seed)
    store = FeatureStore(repo_path=str(layout.feature_repo()))
    if not args.dry_run:
        freshness.prepare(store, layout.go_live_snapshot(), upi, start)
    if args.bulk:
        mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
        bundle, log = scoring.load_bundle(), InferenceLog(layout.inference_log())
        before = inference_log.read(log.path, ["txn_id", "event_timestamp", "score", "threshold"],
                                    start - pd.Timedelta(days=7), start, version=bundle.version)
        out = replay_bulk(upi, start, end, bundle, log, before=before)
        freshness.advance_store(store, upi, end)
        print(f"{len(out):,} payments scored in bulk, {int(out['alert'].sum()):,} alerts")
    else:
        answers = replay_http(args.url, as_requests(payments_between(upi.transactions, start, end)), args.dry_run)
        print(f"{len(answers):,} payments replayed over HTTP, {sum(a['alert'] for a in answers):,} alerts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
