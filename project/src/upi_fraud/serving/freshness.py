"""Fresh features: every scored payment is written back to the online store (given in lab 04).

Lab 03 materialised the store up to go-live. After that, the store only knows a payment if someone writes
it: this module is that someone. Each view stores a list of recent events per entity, so a write is
read-modify-write, through your `windows.add_event`:

* `FreshWriter` is a write-behind queue, as a stream processor would be: the response goes back first,
  one background thread applies payments in micro-batches (one read and one write per view per batch),
  so two payments of the same customer never overwrite each other. A ledger in the online store's own
  file makes each txn_id apply once. A request for an entity that still has a write in the queue waits
  for it (read-your-writes, `wait_clear`); a wait that times out is counted and reported, never silent.
  Its buffers are bounded, so a service that runs for months holds the same memory as one that ran an hour.
* `make_snapshot`, `advance_store` and `prepare` put the store at a moment: the snapshot at go-live, and
  any later moment from the pipeline's rows (SQLite's upsert has no event-time guard, so a replay
  restores the snapshot rather than write over newer state).
"""

from __future__ import annotations

import contextlib
import io
import queue
import sqlite3
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from feast import FeatureStore

from upi_fraud import feature_pipeline
from upi_fraud.dates import GO_LIVE
from upi_fraud.serving import online_store, windows
from upi_fraud.serving.online_store import Row
from upi_kit.data import UPIData

STATE_VIEWS = ["customer_recent", "payee_recent", "customer_payee"]  # lab 03's per-entity event state
STATE_KEYS = {"customer_recent": ["customer_id"], "payee_recent": ["payee_id"], "customer_payee": ["customer_id", "payee_id"]}
REFERENCE_VIEWS = ["customer_profile", "device_first_seen"]  # reference data, loaded whole
WINDOWS = {"customer_recent": float(feature_pipeline.WINDOWS["7d"]),  # seconds: lab 03's lists
           "payee_recent": float(feature_pipeline.WINDOWS["24h"])}
RAW = ["customer_recent:cust_recent_ts", "customer_recent:cust_recent_amount", "payee_recent:payee_recent_ts",
       "payee_recent:payee_recent_payer", "customer_payee:first_payment_ts"]
#: How many recent write lags and errors the writer keeps for its statistics (its memory stays flat).
KEEP_LAGS, KEEP_ERRORS = 10_000, 20
#: Submissions the queue holds before submit() blocks (back-pressure: a stalled store slows requests down
#: rather than growing memory until the process dies). At ~1 ms a batch the writer drains it in seconds.
MAX_QUEUED = 10_000

Key = tuple[str, str]


@dataclass(frozen=True)
class Event:
    """A scored payment, as the write-behind needs it: who paid whom, when (seconds), how much."""

    txn_id: str
    customer_id: str
    payee_id: str
    ts: float
    amount_inr: float

    @property
    def keys(self) -> tuple[Key, Key]:
        """The entities whose state this payment changes."""
        return ("customer", self.customer_id), ("payee", self.payee_id)


class DecisionLog(Protocol):
    """Where the writer appends the decisions it is given (inference_log.InferenceLog)."""

    def row(self, payment: dict[str, Any], decision: dict[str, Any], path: str, latency_ms: float | None = None,
            scored_at: str | None = None) -> list[Any]: ...

    def append(self, rows: list[list[Any]]) -> None: ...


def apply_events(store: FeatureStore, events: Sequence[Event], ledger: sqlite3.Connection,
                 views: dict[str, Any] | None = None) -> int:
    """Write payments into the store, once per txn_id, in time order; how many were new."""
    seen = online_store.applied(ledger, [e.txn_id for e in events])
    new = []
    for e in sorted(events, key=lambda e: e.ts):
        if e.txn_id not in seen:
            seen.add(e.txn_id)
            new.append(e)
    if not new:
        return 0
    keys = list(dict.fromkeys((e.customer_id, e.payee_id) for e in new))
    got = store.get_online_features(features=RAW, entity_rows=[{"customer_id": c, "payee_id": p} for c, p in keys]
                                    ).to_dict()
    cust: dict[str, tuple[Any, Any]] = {}
    payee: dict[str, tuple[Any, Any]] = {}
    pair: dict[tuple[str, str], float | None] = {}
    for i, (c, p) in enumerate(keys):
        cust.setdefault(c, (got["cust_recent_ts"][i], got["cust_recent_amount"][i]))
        payee.setdefault(p, (got["payee_recent_ts"][i], got["payee_recent_payer"][i]))
        pair[(c, p)] = got["first_payment_ts"][i]
    first_payments: dict[tuple[str, str], float] = {}
    for e in new:  # through the module: the add_event of windows.py as it is now
        cust[e.customer_id] = windows.add_event(*cust[e.customer_id], e.ts, e.amount_inr, WINDOWS["customer_recent"])
        payee[e.payee_id] = windows.add_event(*payee[e.payee_id], e.ts, e.customer_id, WINDOWS["payee_recent"])
        known = pair[(e.customer_id, e.payee_id)]
        if known is None or e.ts < known:
            pair[(e.customer_id, e.payee_id)] = first_payments[(e.customer_id, e.payee_id)] = e.ts
    _write(store, views, new, cust, payee, first_payments)
    online_store.mark_applied(ledger, [e.txn_id for e in new])
    return len(new)


def _write(store: FeatureStore, views: dict[str, Any] | None, new: list[Event], cust: dict[str, tuple[Any, Any]],
           payee: dict[str, tuple[Any, Any]], first_payments: dict[tuple[str, str], float]) -> None:
    """The new state of every entity the batch touched, one write per view."""
    views = views or {name: store.get_feature_view(name) for name in STATE_VIEWS}  # a registry read costs ~2 ms
    touched_c, touched_p = {e.customer_id for e in new}, {e.payee_id for e in new}
    online_store.write_rows(store, views["customer_recent"], [
        Row({"customer_id": c}, {"cust_recent_ts": ts, "cust_recent_amount": amt}, max(ts))
        for c, (ts, amt) in cust.items() if c in touched_c])
    online_store.write_rows(store, views["payee_recent"], [
        Row({"payee_id": p}, {"payee_recent_ts": ts, "payee_recent_payer": who}, max(ts))
        for p, (ts, who) in payee.items() if p in touched_p])
    online_store.write_rows(store, views["customer_payee"], [
        Row({"customer_id": c, "payee_id": p}, {"first_payment_ts": t}, t) for (c, p), t in first_payments.items()])


Submission = tuple[float, list[Event], list[tuple[Any, ...]]]


class FreshWriter:
    """Write-behind: submit() returns at once; one thread applies payments (and their log rows) in micro-batches."""

    def __init__(self, store: FeatureStore, log: DecisionLog | None = None, max_batch: int = 256,
                 max_queued: int = MAX_QUEUED, keep_lags: int = KEEP_LAGS, keep_errors: int = KEEP_ERRORS) -> None:
        self.store, self.log, self.max_batch = store, log, max_batch
        self.ledger = online_store.open_ledger(online_store.sqlite_path(store))
        self.views = {name: store.get_feature_view(name) for name in STATE_VIEWS}
        online_store.no_fsync(store)
        self.queue: queue.Queue[Submission | None] = queue.Queue(maxsize=max_queued)
        self.pending: Counter[Key] = Counter()
        self.done = threading.Condition()
        self.lags_ms: deque[float] = deque(maxlen=keep_lags)
        self.errors: deque[str] = deque(maxlen=keep_errors)
        self.written = self.failed = self.stale_reads = 0
        self.thread = threading.Thread(target=self._run, name="fresh-writer", daemon=True)
        self.thread.start()

    def submit(self, events: Iterable[Event], decisions: Iterable[tuple[Any, ...]] = ()) -> None:
        """Queue payments for the store and, if any, their decisions for the log: (payment, decision, path,
        latency_ms, scored_at) each, turned into log rows here in the writer thread, off the response path."""
        events = list(events)
        with self.done:
            for e in events:
                self.pending.update(e.keys)
        self.queue.put((time.perf_counter(), events, list(decisions)))

    def wait_clear(self, keys: Iterable[Key], timeout: float = 2.0) -> bool:
        """Block while any of these entities has a write in the queue (read-your-writes).

        False when the wait timed out: the caller reads features that may miss a queued payment, so it is
        counted in `stale_reads` and the caller must say so.
        """
        keys = list(keys)
        with self.done:
            clear = self.done.wait_for(lambda: not any(self.pending[k] for k in keys), timeout)
            if not clear:
                self.stale_reads += 1
            return clear

    def flush(self, timeout: float = 60.0) -> bool:
        """Wait until everything submitted so far is written; True when the queue is empty."""
        with self.done:
            return self.done.wait_for(lambda: not +self.pending and self.queue.unfinished_tasks == 0, timeout)

    def close(self) -> None:
        self.flush()
        self.queue.put(None)
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            items = self._take()
            if not items:
                return
            self._apply(items)

    def _take(self) -> list[Submission]:
        """Block for the next submission, then take what else is queued (up to max_batch): one micro-batch."""
        first = self.queue.get()
        if first is None:
            self.queue.task_done()
            return []
        items = [first]
        while len(items) < self.max_batch:
            try:
                nxt = self.queue.get_nowait()
            except queue.Empty:
                break
            if nxt is None:  # closing: finish this batch, stop at the next take
                self.queue.task_done()
                self.queue.put_nowait(None)  # it was just taken: there is room
                break
            items.append(nxt)
        return items

    def _apply(self, items: list[Submission]) -> None:
        events = [e for _, evs, _ in items for e in evs]
        try:
            if self.log is not None:
                self.log.append([self.log.row(*item) for _, _, decisions in items for item in decisions])
            if events:
                apply_events(self.store, events, self.ledger, self.views)
        except Exception as err:  # keep serving; the error is counted and reported by stats() (/flush)
            self.failed += len(events)
            self.errors.append(f"{type(err).__name__}: {err}")
        now = time.perf_counter()
        with self.done:
            for submitted, evs, _ in items:
                self.lags_ms.extend([(now - submitted) * 1000] * len(evs))
                for e in evs:
                    self.pending.subtract(e.keys)
                self.queue.task_done()
            self.written += len(events)
            self.pending = +self.pending
            self.done.notify_all()

    def stats(self) -> dict[str, Any]:
        """Payments written, the recent write lags (p50, p99), failures and timed-out read-your-writes waits."""
        lags = np.asarray(self.lags_ms) if self.lags_ms else np.zeros(1)
        return {"written": self.written, "lag_p50_ms": float(np.percentile(lags, 50)),
                "lag_p99_ms": float(np.percentile(lags, 99)), "failed": self.failed,
                "stale_reads": self.stale_reads, "errors": list(self.errors)[-5:]}


# ---------------------------------------------------------------- the store at a moment: snapshot, restore, advance

def advance_store(store: FeatureStore, upi: UPIData, until: pd.Timestamp) -> int:
    """Write the online store's state as of `until` for everything after go-live (the lab 03 pipeline's rows)."""
    if until <= GO_LIVE:
        return 0
    tx = upi.transactions[upi.transactions["event_timestamp"] < until]
    sources = feature_pipeline.feature_store_sources(tx, upi.devices)
    for view in STATE_VIEWS:
        rows = sources[view]
        rows = rows[rows["event_timestamp"] > GO_LIVE].sort_values("event_timestamp", kind="stable")
        latest = rows.drop_duplicates(STATE_KEYS[view], keep="last")
        if len(latest):
            store.write_to_online_store(view, latest.reset_index(drop=True))
    done = tx.loc[tx["event_timestamp"] >= GO_LIVE, "txn_id"].astype(str)
    ledger = online_store.open_ledger(online_store.sqlite_path(store))
    online_store.mark_applied(ledger, done)
    ledger.close()
    return len(done)


def make_snapshot(store: FeatureStore, path: Path) -> Path:
    """The online store exactly as of go-live, built afresh in `path`: lab 03's state views materialised up to
    go-live, the reference views (profiles, device registry) whole."""
    path = Path(path).resolve()  # Feast reads a relative path from the repo folder, not from here
    path.parent.mkdir(parents=True, exist_ok=True)
    online_store.copy_db(online_store.sqlite_path(store), path)  # the tables Feast made, then emptied
    with sqlite3.connect(path) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in tables:
            if name.startswith(f"{store.project}_") or name == "fresh_applied":
                db.execute(f'DELETE FROM "{name}"')
    online_store.open_ledger(path).close()  # the snapshot carries the (empty) ledger: a restore keeps its table
    config = store.config.model_copy(deep=True)
    config.online_store.path = str(path)
    snapshot = FeatureStore(repo_path=str(store.repo_path), config=config)
    since = datetime(2010, 1, 1, tzinfo=UTC)
    with contextlib.redirect_stdout(io.StringIO()):  # Feast prints a progress bar per view
        snapshot.materialize(since, GO_LIVE.to_pydatetime(), feature_views=STATE_VIEWS)
        snapshot.materialize(since, datetime(2100, 1, 1, tzinfo=UTC), feature_views=REFERENCE_VIEWS)
    return path


def prepare(store: FeatureStore, snapshot: Path, upi: UPIData, start: pd.Timestamp) -> int:
    """Restore the go-live snapshot, then bring the store up to `start` (before a replay that starts there)."""
    online_store.copy_db(snapshot, online_store.sqlite_path(store))
    return advance_store(store, upi, start)
