"""The inference log: every decision the service makes, for monitoring (lab 06) and the closed loop (lab 07).

Given in lab 04.

SQLite in the workspace (production/inference_log.db): one file, appends in
transactions from one writer thread (nothing half-written, nothing lost under
concurrent requests), and pandas reads it with one query. Parquet partitions
would need a writer per partition and compaction of many small files; a real
deployment sends the same rows to a log pipeline (Kafka, then a warehouse).

Personal data (India's DPDP Act 2023): monitoring needs what was decided and on
which inputs, not who paid whom. Customer, payee and device ids are stored as
keyed hashes (HMAC-SHA256 with a key kept next to the log, never in it): the
same customer gets the same pseudonym, so per-entity checks still work, but the
log alone does not name anyone. txn_id stays: it is how late fraud labels are
joined. Rows are kept RETENTION_DAYS after the payment, then purged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

RETENTION_DAYS = 180  # monitoring looks back a few months; labels arrive within weeks
COLUMNS = ["txn_id", "model_version", "event_timestamp", "scored_at", "customer_ref", "payee_ref", "device_ref",
           "amount_inr", "channel", "payee_type", "merchant_category", "device_os", "app_version", "city_tier",
           "features", "score", "threshold", "alert", "reasons", "feature_set", "latency_ms", "path"]
SCHEMA = f"""CREATE TABLE IF NOT EXISTS decisions (
  {", ".join(COLUMNS)}, PRIMARY KEY (txn_id, model_version))"""
PSEUDONYMISED = {"customer_id": "customer_ref", "payee_id": "payee_ref", "device_id": "device_ref"}


def _key(folder: Path) -> bytes:
    """The pseudonymisation key: FRAUD_LOG_KEY, else a random key made once next to the log (mode 600)."""
    if os.environ.get("FRAUD_LOG_KEY"):
        return os.environ["FRAUD_LOG_KEY"].encode()
    path = Path(folder) / ".log_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def utc_iso(ts: Any) -> str:
    """A timestamp as UTC ISO 8601 text: rows sort by it as text."""
    return str(pd.Timestamp(ts).tz_convert("UTC").isoformat())


def json_number(x: Any) -> Any:
    """A float for JSON: NaN and None become None (JSON has no NaN)."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


class InferenceLog:
    """The log file, open for appends from one writer thread (and purges by a nightly job)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.key = _key(self.path.parent)
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: safe if the service crashes, ~ms per commit
        self.conn.execute(SCHEMA)
        self.conn.commit()

    def pseudonym(self, value: Any) -> str:
        return hmac.new(self.key, str(value).encode(), hashlib.sha256).hexdigest()[:16]

    def row(self, payment: dict[str, Any], decision: dict[str, Any], path: str, latency_ms: float | None = None,
            scored_at: str | None = None) -> list[Any]:
        """One log row from a request (dict) and its decision (the service's answer)."""
        out = {name: payment.get(name) for name in COLUMNS if name in payment}
        for raw, ref in PSEUDONYMISED.items():
            out[ref] = self.pseudonym(payment[raw])
        out.update({
            "txn_id": payment["txn_id"], "event_timestamp": utc_iso(payment["event_timestamp"]),
            "model_version": decision["model_version"], "feature_set": decision["feature_set"],
            "features": json.dumps({k: json_number(v) for k, v in decision["features"].items()}),
            "reasons": json.dumps(decision["reasons"]), "score": decision["score"],
            "threshold": decision["threshold"], "alert": int(decision["alert"]), "path": path,
            "latency_ms": latency_ms, "scored_at": scored_at or pd.Timestamp.now("UTC").isoformat(),
        })
        return [out.get(name) for name in COLUMNS]

    def append(self, rows: list[list[Any]]) -> None:
        """Insert rows in one transaction; a decision already logged for (txn_id, model_version) is kept as it was."""
        if not rows:
            return
        with self.lock:
            self.conn.executemany(f"INSERT OR IGNORE INTO decisions VALUES ({','.join('?' * len(COLUMNS))})", rows)
            self.conn.commit()

    def clear(self) -> None:
        """Delete every decision (a replay of production starts from an empty record)."""
        with self.lock:
            self.conn.execute("DELETE FROM decisions")
            self.conn.commit()

    def purge(self, now: Any, days: int = RETENTION_DAYS) -> int:
        """Delete decisions on payments older than the retention period; returns how many."""
        cutoff = utc_iso(pd.Timestamp(now) - pd.Timedelta(days=days))
        with self.lock:
            n = self.conn.execute("DELETE FROM decisions WHERE event_timestamp < ?", (cutoff,)).rowcount
            self.conn.commit()
        return int(n)


def read(path: str | Path, columns: Sequence[str] = COLUMNS, start: pd.Timestamp | None = None,
         end: pd.Timestamp | None = None, version: str | None = None) -> pd.DataFrame:
    """Decisions on payments in [start, end) (of one model version if given), oldest payment first.

    A payment scored again by a later model (the loop's shadow, a re-run) appears once, with its last
    decision. event_timestamp comes back as UTC timestamps. Every reader of the log goes through here.
    """
    where, params = ["1=1"], []
    for clause, value in (("event_timestamp >= ?", start), ("event_timestamp < ?", end)):
        if value is not None:
            where.append(clause)
            params.append(utc_iso(value))
    if version is not None:
        where.append("model_version = ?")
        params.append(str(version))
    with sqlite3.connect(path) as conn:
        frame = pd.read_sql(f"SELECT {', '.join(columns)} FROM decisions WHERE {' AND '.join(where)} "
                            "ORDER BY event_timestamp, txn_id", conn, params=params)
    frame = frame.drop_duplicates("txn_id", keep="last").reset_index(drop=True)
    frame["event_timestamp"] = pd.to_datetime(frame["event_timestamp"], utc=True, format="ISO8601")
    return frame
