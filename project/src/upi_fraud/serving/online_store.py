"""The one place the project reaches into Feast's internals, and why (given in lab 04).

Writing a payment back to the online store must cost well under a millisecond, because it happens for
every payment the service scores. Feast's public `write_to_online_store` converts each write through
pandas and Arrow (about 5 ms a view); its provider's `online_write_batch`, which the public call ends
in, takes the values as protobufs directly (about 0.5 ms). That method is Feast's internal API
(`FeatureStore._get_provider`), so it lives here alone: a Feast upgrade that changes it breaks this
module, and the project's feature tests (lab 05) say so at once.

The SQLite online store is also where the write-behind keeps its ledger of applied payments (table
fresh_applied), so a snapshot of the store restores both together. Its writes skip the fsync of every commit
(`no_fsync`): the online store is a cache that `make_snapshot` and the pipeline rebuild, so a machine crash
costs a rebuild, not data; an fsync per micro-batch would put ~10 ms disk waits into the write-behind lag.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feast import FeatureStore, FeatureView
from feast.protos.feast.types.EntityKey_pb2 import EntityKey as EntityKeyProto
from feast.protos.feast.types.Value_pb2 import DoubleList, StringList
from feast.protos.feast.types.Value_pb2 import Value as ValueProto

#: A state row of lab 03's views becomes visible 1 ms after its payment (feature_pipeline.AVAILABLE_AFTER).
AVAILABLE_AFTER_S = 0.001


@dataclass(frozen=True)
class Row:
    """One entity's new state: its join keys, its fields, and the time of the payment it reflects (seconds)."""

    keys: dict[str, str]
    values: dict[str, Any]
    ts: float


def _value(x: Any) -> ValueProto:
    """A Feast value proto for a float, a list of floats or a list of strings."""
    if isinstance(x, list):
        if x and isinstance(x[0], str):
            return ValueProto(string_list_val=StringList(val=x))
        return ValueProto(double_list_val=DoubleList(val=[float(v) for v in x]))
    return ValueProto(double_val=float(x))


def write_rows(store: FeatureStore, view: FeatureView, rows: Sequence[Row]) -> None:
    """Upsert rows into one view of the online store: the upsert of write_to_online_store, with protos."""
    if not rows:
        return
    data: list[tuple[EntityKeyProto, dict[str, ValueProto], datetime, datetime | None]] = [(EntityKeyProto(join_keys=list(row.keys), entity_values=[ValueProto(string_val=v) for v in row.keys.values()]),
             {name: _value(value) for name, value in row.values.items()},
             datetime.fromtimestamp(row.ts + AVAILABLE_AFTER_S, tz=UTC), None)
            for row in rows]
    store._get_provider().online_write_batch(store.config, view, data, None)


def no_fsync(store: FeatureStore) -> None:
    """Let the SQLite online store's connection commit without an fsync (a rebuildable cache; see above)."""
    sqlite = store._get_provider().online_store  # the SQLite online store: _get_conn is its own, not the base class's
    sqlite._get_conn(store.config).execute("PRAGMA synchronous=OFF")  # type: ignore[attr-defined]


def sqlite_path(store: FeatureStore) -> Path:
    """The SQLite online store's file, resolved as Feast resolves it (relative to the feature repo)."""
    path = Path(store.config.online_store.path)
    return path if path.is_absolute() else Path(store.repo_path) / path


def copy_db(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another with SQLite's backup API (safe while the target is open elsewhere)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target, timeout=30) as dst:
        src.backup(dst)


def open_ledger(path: Path) -> sqlite3.Connection:
    """The ledger of payments already written back (txn_id), in the online store's own file."""
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA synchronous=OFF")  # as no_fsync: the ledger is part of the rebuildable cache
    conn.execute("CREATE TABLE IF NOT EXISTS fresh_applied (txn_id TEXT PRIMARY KEY, applied_at REAL)")
    conn.commit()
    return conn


def applied(ledger: sqlite3.Connection, txn_ids: Sequence[str]) -> set[str]:
    """Which of these payments the ledger holds already."""
    marks = ",".join("?" * len(txn_ids))
    return {row[0] for row in ledger.execute(f"SELECT txn_id FROM fresh_applied WHERE txn_id IN ({marks})", txn_ids)}


def mark_applied(ledger: sqlite3.Connection, txn_ids: Iterable[str]) -> None:
    """Record payments as written back, in one transaction (a payment recorded twice stays once)."""
    ledger.executemany("INSERT OR IGNORE INTO fresh_applied VALUES (?, ?)", [(t, time.time()) for t in txn_ids])
    ledger.commit()
