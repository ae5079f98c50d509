"""What the fraud service stands on (given in lab 04); service.py (yours, exercise 4.4) builds on it.

Configuration comes from the environment, so the same code runs in the notebook, in a built Bento and in CI:
MLFLOW_TRACKING_URI, FEATURE_REPO, INFERENCE_LOG, MODEL_NAME, MODEL_ALIAS, MODEL_POLL_SECONDS.

The model is read from the MLflow registry by alias when the service starts (and on POST /reload), not frozen into
the Bento as a BentoModel: the registry's alias is the one source of truth for "which model is live", so promoting
a version (lab 05, lab 07) needs no rebuild. One worker holds one bundle (model, threshold, feature set); a reload
swaps the whole bundle at once. Once the project has lab 07's watcher.py, the service also follows the alias by
itself (every MODEL_POLL_SECONDS, default 10; 0 off).

Read-your-writes: a payment waits (up to READ_WAIT_SECONDS) for the queued write-back of an earlier payment of the
same customer or payee. If that wait times out, the answer says `features_fresh: false`, the log says why, and
/metrics counts it (stale_feature_reads_total): never silently stale.
"""

import importlib
import logging
import os
import threading
import time
import warnings
from datetime import date, timedelta
from types import ModuleType
from typing import Any

warnings.filterwarnings("ignore", category=DeprecationWarning)  # pydantic 2.11+ notices inside BentoML, per request
warnings.filterwarnings("ignore", message="On demand feature view is an experimental")

import bentoml  # noqa: E402  (after the filters: BentoML and Feast install their own at import)
import pandas as pd  # noqa: E402

from upi_fraud import features, layout, registry  # noqa: E402
from upi_fraud.dates import day_start  # noqa: E402
from upi_fraud.serving import budget, inference_log, scoring  # noqa: E402
from upi_fraud.serving.freshness import Event, FreshWriter  # noqa: E402
from upi_fraud.serving.inference_log import InferenceLog  # noqa: E402
from upi_fraud.serving.request_schema import Payment  # noqa: E402

#: How long a request waits for a queued write of the same customer or payee before it reads anyway.
READ_WAIT_SECONDS = 2.0
#: The service's operational settings besides its name, workers and timeout: no access log (every decision is in
#: the inference log, request counts and latencies are at /metrics) and a latency histogram with few buckets (each
#: bucket is a counter updated on every request: ~1 ms saved). Pass them to @bentoml.service as **OPERATIONS.
OPERATIONS: dict[str, Any] = {"logging": {"access": {"enabled": False}},
                              "metrics": {"duration": {"buckets": [0.002, 0.005, 0.01, 0.025, 0.1, 1.0]}}}
log = logging.getLogger("upi_fraud.service")
STALE_READS = bentoml.metrics.Counter(
    name="stale_feature_reads", documentation="Payments scored before an earlier payment of the same customer or "
                                              "payee was written back (the read-your-writes wait timed out)")


class Champion:
    """Holds the live bundle; swap() replaces it whole, so every request sees exactly one bundle."""

    def __init__(self, bundle: scoring.Bundle) -> None:
        self._bundle, self._lock = bundle, threading.Lock()

    def get(self) -> scoring.Bundle:
        return self._bundle

    def swap(self, bundle: scoring.Bundle) -> scoring.Bundle:
        with self._lock:
            old, self._bundle = self._bundle, bundle
        return old


def lab07_watcher() -> ModuleType | None:
    """The watcher, once the project has it (lab 07 adds it): then the service follows the alias by itself."""
    try:
        return importlib.import_module("upi_fraud.serving.watcher")
    except ModuleNotFoundError:
        return None


def event(payment: dict[str, Any]) -> Event:
    """What the write-behind needs of a validated payment."""
    return Event(txn_id=payment["txn_id"], customer_id=payment["customer_id"], payee_id=payment["payee_id"],
                 ts=payment["event_timestamp"].timestamp(), amount_inr=payment["amount_inr"])


class ServiceRuntime:
    """The service's state and its given endpoints (/features, /flush, /reload); FraudService derives from it.

    For the scoring endpoints, four steps, each one call:
    `bundle_at(when)` the live bundle with its threshold for the week of `when`; `wait_for_writes(rows)` read your
    writes (False when the wait timed out); `read_features(rows, inputs)` the model's inputs, from the online store
    and the payments; `remember(rows, decisions, started)` queue the write-back and the log rows (never on a dry run).
    """

    def __init__(self) -> None:
        from feast import FeatureStore

        warnings.filterwarnings("ignore", category=DeprecationWarning)  # again: BentoML resets filters in the worker
        self.model_name = os.environ.get("MODEL_NAME", registry.MODEL_NAME)
        self.alias = os.environ.get("MODEL_ALIAS", registry.CHAMPION)
        self.store = FeatureStore(repo_path=str(layout.feature_repo()))
        self.champion = Champion(scoring.load_bundle(self.model_name, self.alias))
        self.reader = scoring.FeatureReader(self.store)
        self.log = InferenceLog(layout.inference_log())
        self.writer = FreshWriter(self.store, self.log)
        self.weekly = budget.Weekly(self._week_before)  # the review budget: a threshold per week (budget.py)
        self.inputs = tuple(dict.fromkeys(features.feature_list("v1") + features.feature_list("v2")))  # /features
        self.watching: threading.Event | None = None
        every = float(os.environ.get("MODEL_POLL_SECONDS", "10"))
        watcher = lab07_watcher()
        if every > 0 and watcher is not None:
            self.watching = watcher.follow(
                self.champion, lambda: scoring.alias_version(self.model_name, self.alias),
                lambda version: scoring.load_bundle(self.model_name, version=version), every)

    def bundle_at(self, when: pd.Timestamp) -> scoring.Bundle:
        """The live bundle, with the threshold of the week `when` falls in (budget.py): take it once per request."""
        return self.weekly.apply(self.champion.get(), when)

    def wait_for_writes(self, rows: list[dict[str, Any]]) -> bool:
        """Read your writes: wait for queued writes of these payments' customers and payees; False if it timed out."""
        events = [event(p) for p in rows]
        if self.writer.wait_clear({k for e in events for k in e.keys}, READ_WAIT_SECONDS):
            return True
        STALE_READS.inc()
        log.warning("scored %s before earlier payments of its customer or payee were written back (waited %.1f s)",
                    ", ".join(e.txn_id for e in events[:3]), READ_WAIT_SECONDS)
        return False

    def read_features(self, rows: list[dict[str, Any]], inputs: tuple[str, ...]) -> dict[str, list[Any]]:
        """The inputs `inputs` for validated payments (dicts): {input: one value per payment}."""
        return scoring.request_features(rows, self.reader.read(scoring.entity_rows(rows), inputs), inputs)

    def remember(self, rows: list[dict[str, Any]], decisions: list[dict[str, Any]], started: float) -> None:
        """Queue the payments' write-back to the online store and their decisions for the inference log.

        `started` is the request's time.perf_counter() on arrival: the log keeps each decision's share of it.
        """
        latency_ms = (time.perf_counter() - started) * 1000 / len(rows)
        scored_at = pd.Timestamp.now("UTC").isoformat()
        self.writer.submit([event(p) for p in rows],
                           [(p, d, "http", latency_ms, scored_at) for p, d in zip(rows, decisions, strict=True)])

    def _week_before(self, version: str, monday: date) -> pd.DataFrame:
        """This version's decisions of the week before `monday`, once every accepted decision is in the log."""
        self.writer.flush()
        return inference_log.read(self.log.path, ["txn_id", "event_timestamp", "score", "threshold"],
                                  start=day_start(monday - timedelta(days=7)),
                                  end=day_start(monday), version=version)

    @bentoml.api
    async def features(self, payment: Payment) -> dict:
        """Every feature the store serves for this payment now (both feature sets), without scoring or writing."""
        row = payment.model_dump()
        self.wait_for_writes([row])
        columns = self.read_features([row], self.inputs)
        return {name: scoring.json_value(values[0]) for name, values in columns.items()}

    @bentoml.api
    def flush(self) -> dict:
        """Wait until every accepted payment is in the online store and the log; report the write lag."""
        return {"flushed": self.writer.flush(), **self.writer.stats()}

    @bentoml.api
    def reload(self) -> dict:
        """Load the version the alias names now and swap it in whole (no restart, no dropped request)."""
        self.reader = scoring.FeatureReader(self.store)  # the feature repo's current on-demand view
        old = self.champion.swap(scoring.load_bundle(self.model_name, self.alias))
        new = self.champion.get()
        return {"previous_version": old.version, "version": new.version, "threshold": new.threshold}

    @bentoml.on_shutdown
    def close(self) -> None:
        if self.watching is not None:
            self.watching.set()  # stop following the alias
        self.writer.close()  # nothing accepted is lost: the queue drains before the process exits
