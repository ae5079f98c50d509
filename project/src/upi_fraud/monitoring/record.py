"""The production record, as monitoring reads it: what the service decided, and the fraud reports received.

Given in lab 06. Monitoring starts from what production *did* (the inference log, lab 04), not from the
dataset: the request's fields, the features the service read, the score and the alert. Before go-live
there is no log, so the reference month and the clean history are scored in-process by the same bundle
(`from_data`), into the same columns. The fraud reports are a separate feed that arrives late.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from upi_fraud import features
from upi_fraud.serving import inference_log
from upi_fraud.serving.scoring import Bundle
from upi_kit import data, metrics, story

LOG_COLUMNS = ["txn_id", "event_timestamp", "model_version", "amount_inr", "channel", "payee_type", "merchant_category",
               "device_os", "app_version", "city_tier", "features", "score", "alert"]


def _frame(base: pd.DataFrame, feats: pd.DataFrame) -> pd.DataFrame:
    """The monitored columns, in one order, from request fields (`base`) and the model's inputs (`feats`)."""
    out = pd.DataFrame({
        "txn_id": base["txn_id"].astype(str).to_numpy(),
        "event_timestamp": pd.to_datetime(base["event_timestamp"], utc=True).to_numpy(),
        "app_version": base["app_version"].astype(str).to_numpy(),
        "amount_inr": base["amount_inr"].astype(float).to_numpy(),
        "channel": base["channel"].astype(str).to_numpy(),
        "payee_type": base["payee_type"].astype(str).to_numpy(),
        "merchant_category": base["merchant_category"].astype(str).to_numpy(),
        "device_os": [None if pd.isna(os_name) else os_name for os_name in base["device_os"]],
        "city_tier": base["city_tier"].astype(int).astype(str).to_numpy(),
    })
    out["event_timestamp"] = pd.to_datetime(out["event_timestamp"], utc=True)
    out["hour_ist"] = out["event_timestamp"].dt.tz_convert(story.TIMEZONE).dt.hour.astype(float)
    for name in feats.columns:
        if name not in out and name != "day_of_week" and pd.api.types.is_numeric_dtype(feats[name]):
            out[name] = feats[name].astype(float).to_numpy()
    out["score"] = base["score"].astype(float).to_numpy()
    out["alert"] = base["alert"].astype(int).to_numpy()
    out["reviewed"] = metrics.reviewed(out["event_timestamp"], out["alert"].astype(bool)).astype(int)
    out["model_version"] = base["model_version"].astype(str).to_numpy()
    return out


def decisions(log_path: Path, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Just what performance needs (txn_id, event_timestamp, alert, reviewed), for a long window: fast.

    `reviewed` is the review rule (upi_kit.metrics.reviewed) applied to each IST day's alerts: the window
    starts at an IST midnight, so every day is whole.
    """
    rows = inference_log.read(log_path, ["txn_id", "event_timestamp", "alert"], start, end)
    return rows.assign(reviewed=metrics.reviewed(rows["event_timestamp"], rows["alert"].astype(bool)).astype(int))


def from_log(log_path: Path, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The payments the service decided in [start, end) (UTC timestamps), from the inference log."""
    rows = inference_log.read(log_path, LOG_COLUMNS, start, end)
    feats = pd.DataFrame([json.loads(f) for f in rows["features"]], index=rows.index) \
        if len(rows) else pd.DataFrame(index=rows.index)
    return _frame(rows, feats.select_dtypes("number"))


def from_data(upi: data.UPIData, bundle: Bundle, start: pd.Timestamp, end: pd.Timestamp,
              inputs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The same columns for payments the service never saw (before go-live), scored in-process by the bundle.

    inputs: the model's inputs for every payment (features.model_inputs), when already computed.
    """
    tx = upi.transactions
    part = tx[(tx["event_timestamp"] >= start) & (tx["event_timestamp"] < end)]
    X = (features.model_inputs(upi, bundle.feature_set) if inputs is None else inputs).loc[part.index]
    scores = bundle.encoder.scores({name: X[name].to_numpy(object) for name in bundle.inputs})
    base = part.assign(score=scores, alert=(scores >= bundle.threshold).astype(int), model_version=bundle.version)
    return _frame(base, X)


def fraud_reports(upi: data.UPIData) -> pd.DataFrame:
    """The fraud reports the bank receives: (txn_id, fraud_type, reported_at, ledger_amount_inr).

    Unreported frauds are not in it. A report carries what the bank's ledger says the payment was, so a
    fraud is valued at its true amount even when a broken app sent another (the paise week).
    """
    tx = upi.transactions
    known = tx["is_fraud"].astype(bool) & tx["label_available_at"].notna()
    return pd.DataFrame({"txn_id": tx.loc[known, "txn_id"].astype(str),
                         "fraud_type": tx.loc[known, "fraud_type"].astype(str),
                         "reported_at": tx.loc[known, "label_available_at"],
                         metrics.LEDGER: tx.loc[known, metrics.LEDGER].astype(float)}).reset_index(drop=True)
