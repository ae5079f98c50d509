"""Checks for lab 03 (the feature store)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..checks import Wrong, exercise


def _truth_count_24h(tx: pd.DataFrame) -> np.ndarray:
    """Payments by the same customer in the 24 hours strictly before each payment (brute force, by customer)."""
    out = np.zeros(len(tx))
    t = tx["event_timestamp"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
    cust = tx["customer_id"].astype(str).to_numpy()
    for c in np.unique(cust):
        idx = np.flatnonzero(cust == c)
        ts = t[idx]
        srt = np.sort(ts)
        out[idx] = np.searchsorted(srt, ts, "left") - np.searchsorted(srt, ts - 86_400_000, "right")
    return out


def _crafted() -> pd.DataFrame:
    """A tiny case with the traps: a payment exactly 24 h earlier, two at the same instant, another customer."""
    base = pd.Timestamp("2025-03-01 10:00", tz="UTC")
    hours = [0, 1, 24, 30, 30]
    times = [base + pd.Timedelta(hours=h) for h in hours] + [base + pd.Timedelta(hours=2)]
    return pd.DataFrame({"customer_id": ["A", "A", "A", "A", "A", "B"], "event_timestamp": times,
                         "amount_inr": [100.0, 200.0, 300.0, 400.0, 500.0, 50.0]})


@exercise(
    "3.1",
    "a windowed count without leakage",
    hint=(
        "For each payment at time t, count the same customer's payments with t - 24h < time < t: not the "
        "payment itself, not others at the very same instant, and not one exactly 24 h earlier.",
        "`feature_pipeline.window_count_sum(codes, millis, values, seconds)` does this for any window: "
        "integer customer codes (`pd.factorize`), times from `feature_pipeline.millis(...)`, values all "
        "ones, and `feature_pipeline.WINDOWS['24h']`. Return one count per payment, on the index of `tx`.",
    ),
)
def window_count(func: Any, tx: pd.DataFrame) -> str:
    if func is None or not callable(func):
        raise Wrong("`customer_txn_24h` should be a function that takes the transactions and returns one count per payment.")
    crafted = _crafted()
    try:
        got = np.asarray(func(crafted), dtype=float)
    except Exception as err:
        raise Wrong(f"calling customer_txn_24h on a small example raised {type(err).__name__}: {err}") from None
    want = _truth_count_24h(crafted)
    if got.shape != want.shape:
        raise Wrong(f"it returned {got.size} values for {len(crafted)} payments: one count per payment.")
    if not np.array_equal(got, want):
        if np.array_equal(got, want + 1):
            raise Wrong("a payment counts itself: only payments strictly before it may count (that is the leak).")
        if got[2] == want[2] + 1 and got[3] == want[3]:
            raise Wrong("the payment exactly 24 h earlier is counted: the window is (t - 24h, t), open at both ends.")
        if got[3] != want[3] or got[4] != want[4]:
            raise Wrong("two payments at the same instant see each other: neither happened before the other.")
        raise Wrong(f"on a small example it gives {got.tolist()} but the answer is {want.tolist()}.")
    sample = tx.iloc[: min(len(tx), 20_000)]
    got = np.asarray(func(sample), dtype=float)
    want = _truth_count_24h(sample)
    if not np.array_equal(got, want):
        raise Wrong(f"right on the small example, but {int((got != want).sum())} counts differ on the real data.")
    return "No payment sees the future, or itself: this is what 'point-in-time correct' means."


@exercise(
    "3.2",
    "define a feature view",
    hint=(
        "A feature view tells Feast which entity keys the rows, where they are read from, how long a row "
        "stays valid and what columns it holds: here, a payee's payments of the last 24 hours.",
        "`FeatureView(name=..., entities=[...], ttl=..., source=..., schema=[Field(name=..., dtype=...), "
        "...])`: the entity is `definitions.payee`, the source `definitions.source('payee_recent')`, and "
        "the two fields are payee_recent_ts (Array(Float64)) and payee_recent_payer (Array(String)). The "
        "trap: a ttl longer than the 24-hour window.",
    ),
)
def feature_view(view: Any, reference: Any) -> str:
    from feast import FeatureView

    if not isinstance(view, FeatureView):
        raise Wrong(f"`payee_recent` should be a feast.FeatureView, not {type(view).__name__}.")
    if view.name != reference.name:
        raise Wrong(f"it is called {view.name!r}; the service and the registry expect {reference.name!r}.")
    if sorted(view.entities) != sorted(reference.entities):
        raise Wrong(f"its entities are {sorted(view.entities)}; a payee's history is keyed by the payee entity.")
    if view.ttl != reference.ttl:
        raise Wrong(f"its ttl is {view.ttl}; the window is 24 hours, so older rows are useless: ttl=timedelta(days=1).")
    got = {f.name: str(f.dtype) for f in view.schema}
    want = {f.name: str(f.dtype) for f in reference.schema}
    if got != want:
        raise Wrong(f"its schema is {got}, but the source holds {want}.")
    if view.batch_source.path != reference.batch_source.path:
        raise Wrong(f"it reads {view.batch_source.path}; use definitions.source('payee_recent') (an absolute path).")
    return "Registered, it tells Feast where the payee history lives and how long a row stays valid."


@exercise(
    "3.3",
    "build a point-in-time training set",
    hint=(
        "Point-in-time correct means each payment gets its features as they were known just before it: "
        "ask the offline store for the whole feature service, with the payments and their timestamps as "
        "the entity frame.",
        "`store.get_historical_features(entity_df=..., "
        "features=store.get_feature_service('fraud_detection_v2')).to_df()`. The trap: it returns rows in"
        " its own order; merge it back onto `entities[['txn_id']]` to restore yours.",
    ),
)
def training_set(training: Any, entities: pd.DataFrame, truth: pd.DataFrame, feature_names: list[str]) -> str:
    if not isinstance(training, pd.DataFrame):
        raise Wrong("`training` should be a DataFrame: call .to_df() on what get_historical_features returns.")
    if len(training) != len(entities):
        raise Wrong(f"it has {len(training):,} rows for {len(entities):,} payments: no payment may be dropped or repeated.")
    missing = [f for f in feature_names if f not in training.columns]
    if missing:
        raise Wrong(f"the features {missing} are missing: ask for the whole feature service 'fraud_detection_v2'.")
    if "txn_id" not in training.columns or not (training["txn_id"].to_numpy() == entities["txn_id"].to_numpy()).all():
        raise Wrong("the rows are not in the order of `entities`: Feast reorders them, so merge back on txn_id.")
    for name in feature_names:
        a, b = training[name].to_numpy(float), truth[name].to_numpy(float)
        if not np.allclose(a, b, rtol=1e-9, equal_nan=True):
            raise Wrong(f"{name} differs from the point-in-time truth; did you pass the right timestamps?")
    return f"{len(training):,} rows, every feature exactly as it was known just before each payment."


@exercise(
    "3.4",
    "fetch features online",
    hint=(
        "Serving asks for one entity row at a time, at request time: the same feature service as "
        "training, read from the online store.",
        "`store.get_online_features(features=..., entity_rows=[...])` takes the feature service and a "
        "list of request dicts (here just `live_request`); `.to_dict()` turns the answer into {feature: "
        "[value]}.",
    ),
)
def online_features(online: Any, expected: dict[str, float]) -> str:
    if not isinstance(online, dict):
        raise Wrong("`online` should be the dict from .to_dict() on what get_online_features returns.")
    for name, want in expected.items():
        if name not in online:
            raise Wrong(f"{name} is missing: ask for the feature service, which includes the on-demand features.")
        got = online[name][0] if isinstance(online[name], list) else online[name]
        got, want = (np.nan if v is None else float(v) for v in (got, want))  # a missing value is None online
        if not np.isclose(got, want, rtol=1e-9, equal_nan=True):
            raise Wrong(f"{name} is {got} online but {want} offline at the same moment: was the request's txn_ts right?")
    return "Served in a few milliseconds, and equal to what training saw at the same moment."
