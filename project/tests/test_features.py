"""The behaviour features never look into the future, and serving computes what training saw (given in lab 05).

A fraud model trained on features that peek at later payments looks brilliant offline and fails live;
a service that computes a feature differently from training (skew) fails quietly. So these tests pin:

* no look into the future: a payment's features depend only on payments strictly before it (a
  property, checked by hypothesis on small made-up histories), never on its own amount, and the
  feature store's state rows only become visible after the payments they hold;
* the window edges: (t - w, t) is half-open, so a payment exactly w before is out, one second later
  is in, and a payment at the same instant is out, in training and in the on-demand view alike;
* online equals offline: a small Feast repo built in a temporary folder from a slice of the data,
  materialised up to T (`feast apply` run on the project's own definitions, as CI would), serves payments
  just after T (through scoring.FeatureReader, the service's own path) the same inputs that
  features.model_inputs gives training.

    pytest -q tests/test_features.py        (from the project folder; HYPOTHESIS_EXAMPLES, default 40)
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from feast import FeatureStore
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from upi_fraud import feature_pipeline, features, layout
from upi_fraud.serving import replay, scoring
from upi_fraud.serving.request_schema import Payment
from upi_kit import data

Tx = tuple[str, str, str, int, int]  # customer, payee, device, seconds after BASE, paise
BASE = pd.Timestamp("2025-03-01", tz="UTC")
DEVICES = pd.DataFrame({"device_id": ["D1", "D2"], "device_os": ["android", "ios"],
                        "first_seen_at": [BASE - pd.Timedelta(days=30), BASE + pd.Timedelta(days=2)]})
EDGES = [w + d for w in feature_pipeline.WINDOWS.values() for d in (-1, 0, 1)]  # seconds: just in, on, just out
OFFSET = st.one_of(st.integers(0, 2), st.sampled_from(EDGES), st.integers(0, 9 * 86_400))  # ties, edges, anything
PAYMENT = st.tuples(st.sampled_from(["C1", "C2", "C3"]), st.sampled_from(["P1", "P2"]), st.sampled_from(["D1", "D2"]),
                    OFFSET, st.integers(1, 10**7))  # customer, payee, device, seconds after the start, paise
PROPERTY = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "40")), deadline=None, derandomize=True,
                    database=None, phases=[Phase.explicit, Phase.generate, Phase.shrink])  # reports the smallest case


def payments(rows: Sequence[Tx], start: int = 0) -> pd.DataFrame:
    """Payments from (customer, payee, device, seconds, paise) tuples; times are start + seconds after BASE."""
    c, p, d, s, paise = zip(*rows, strict=True) if rows else ([],) * 5
    return pd.DataFrame({"txn_id": [f"T{start}-{i}" for i in range(len(rows))], "customer_id": list(c),
                         "payee_id": list(p), "device_id": list(d), "amount_inr": np.array(paise, float) / 100,
                         "event_timestamp": BASE + pd.to_timedelta(np.array(s, np.int64) + start, unit="s")})


def differences(a: pd.DataFrame, b: pd.DataFrame, ids: Sequence[Any] | np.ndarray) -> list[tuple[Any, str, Any, Any]]:
    """(id, column, a, b) wherever two frames of the same shape differ (numbers within 1e-9, NaN equals NaN)."""
    out = []
    for name in a.columns:
        x, y = a[name].to_numpy(), b[name].to_numpy()
        same = (x == y) if x.dtype == object else np.isclose(x.astype(float), y.astype(float), rtol=0, atol=1e-9,
                                                             equal_nan=True)
        out += [(ids[int(i)], name, x.tolist()[i], y.tolist()[i]) for i in np.flatnonzero(~same)]
    return out


@PROPERTY
@given(history=st.lists(PAYMENT, min_size=1, max_size=12), later=st.lists(PAYMENT, min_size=1, max_size=12))
def test_features_of_earlier_payments_ignore_later_ones(history: list[Tx], later: list[Tx]) -> None:
    past = payments(history)
    last = pd.Timestamp(past["event_timestamp"].max())
    future = payments(later, start=int((last - BASE).total_seconds()))  # ties included
    alone = feature_pipeline.point_in_time_features(past, DEVICES)
    followed = feature_pipeline.point_in_time_features(pd.concat([past, future], ignore_index=True), DEVICES)
    diff = differences(alone, followed.iloc[:len(past)], past["txn_id"].to_numpy())
    assert not diff, ("adding later payments (or payments at the same instant) changed the features of earlier "
                      f"ones, a look into the future. (txn, feature, before, after): {diff[:5]}")


@PROPERTY
@given(rows=st.lists(PAYMENT, min_size=1, max_size=12), pick=st.integers(0, 11))
def test_a_payment_never_counts_its_own_amount(rows: list[Tx], pick: int) -> None:
    tx = payments(rows)
    i = pick % len(tx)
    bumped = tx.copy()
    bumped.loc[i, "amount_inr"] = float(tx["amount_inr"].iloc[i]) + 1_000
    same_instant = (tx["event_timestamp"] == tx.loc[i, "event_timestamp"]).to_numpy()  # itself and its twins
    windows = [f for f in feature_pipeline.FEATURES if f != "amount_vs_7d_avg"]  # that one divides by it, by design
    before = feature_pipeline.point_in_time_features(tx, DEVICES)[windows][same_instant]
    after = feature_pipeline.point_in_time_features(bumped, DEVICES)[windows][same_instant]
    diff = differences(before, after, tx["txn_id"].to_numpy()[same_instant])
    assert not diff, (f"changing payment {tx.loc[i, 'txn_id']}'s own amount changed its window features (or a same-"
                      f"instant twin's): its own amount is in its window. (txn, feature, before, after): {diff[:5]}")


@PROPERTY
@given(rows=st.lists(PAYMENT, min_size=1, max_size=12))
def test_stored_state_becomes_visible_only_after_its_payments(rows: list[Tx]) -> None:
    sources = feature_pipeline.feature_store_sources(payments(rows), DEVICES)
    held = {"customer_recent": sources["customer_recent"]["cust_recent_ts"].map(max),
            "payee_recent": sources["payee_recent"]["payee_recent_ts"].map(max),
            "customer_payee": sources["customer_payee"]["first_payment_ts"]}
    for view, latest in held.items():
        stamp = feature_pipeline.seconds(sources[view]["event_timestamp"])
        early = np.flatnonzero(latest.to_numpy(float) >= stamp)
        assert not len(early), (f"{view}: {len(early)} state row(s) are stamped no later than a payment they hold "
                                f"(e.g. stamp {sources[view]['event_timestamp'].iloc[early[0]]}), so the store would "
                                "hand that payment its own row. Stamp rows after the event (AVAILABLE_AFTER > 0).")


@pytest.mark.parametrize("window", list(feature_pipeline.WINDOWS))
def test_window_edges_are_half_open(window: str) -> None:
    w = feature_pipeline.WINDOWS[window]
    t = 10 * 86_400
    tx = payments([("C1", "P1", "D1", t - w, 100), ("C1", "P1", "D1", t - w + 1, 2_000),   # on the edge; just in
                   ("C1", "P1", "D1", t, 30_000), ("C1", "P1", "D1", t, 400_000)])         # same-instant twins
    got = feature_pipeline.point_in_time_features(tx, DEVICES).iloc[3]
    assert (got[f"cust_txn_{window}"], got[f"cust_amt_{window}"]) == (1, 20.0), (
        f"window {window}: expected only the payment {w - 1} s before (1 payment, 20.0 rupees); the one exactly {w} s "
        f"before is outside (t - w, t) and the same-instant twin is not before. Got {got[f'cust_txn_{window}']} "
        f"payments, {got[f'cust_amt_{window}']} rupees.")


def test_payee_payer_window_edges_are_half_open() -> None:
    t, w = 10 * 86_400, feature_pipeline.WINDOWS["24h"]
    tx = payments([("C1", "P1", "D1", t - w, 100), ("C2", "P1", "D1", t - w + 1, 100),
                   ("C3", "P1", "D1", t, 100), ("C2", "P1", "D1", t, 100)])
    got = feature_pipeline.point_in_time_features(tx, DEVICES)["payee_payers_24h"].iloc[3]
    assert got == 1, (f"payee_payers_24h: expected 1 (only C2, paid 24 h - 1 s before; C1 exactly 24 h before is out, "
                      f"C3 at the same instant is not before), got {got}")


@dataclass(frozen=True)
class Sample:
    """A small feature store over real payments: the history it was materialised with, and the probes after it."""

    store: FeatureStore
    history: pd.DataFrame
    probes: pd.DataFrame
    upi: data.UPIData


def feast_apply(repo: Path) -> None:
    """`feast apply` in a repo folder, as CI runs it: it reads every definition file there."""
    feast = Path(sys.executable).with_name("feast")
    done = subprocess.run([str(feast), "apply"], cwd=repo, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"feast apply failed in {repo}: {(done.stderr or done.stdout)[-2000:]}"


@pytest.fixture(scope="module")
def feast_sample(upi: data.UPIData, tmp_path_factory: pytest.TempPathFactory) -> Sample:
    """A Feast repo in a temporary folder over ~2 weeks of payments, the online store materialised up to T."""
    tx = upi.transactions
    start = tx["event_timestamp"].min()
    part = tx[tx["event_timestamp"] < start + pd.Timedelta(days=14)]
    busy = (part["customer_id"].isin(part["customer_id"].value_counts().index[:40])
            | part["payee_id"].isin(part["payee_id"].value_counts().index[:15]))  # long histories, a few hundred rows
    part = part[busy].sort_values(["event_timestamp", "txn_id"], kind="stable")
    until = start + pd.Timedelta(days=10)
    history = part[part["event_timestamp"] <= until]
    probes = part[part["event_timestamp"] > until].drop_duplicates("customer_id").drop_duplicates("payee_id")
    # one probe per customer and per payee: as of T, the store holds everything before each probe
    repo = tmp_path_factory.mktemp("feature_repo")
    (repo / "data").mkdir()
    for code in layout.feature_repo().glob("*.py"):  # the project's definitions; their DATA is now this data/
        shutil.copy(code, repo)
    shutil.copy(layout.feature_repo() / "feature_store.yaml", repo)  # relative paths: this repo's data/
    for name, frame in feature_pipeline.feature_store_sources(part, upi.devices).items():
        frame.to_parquet(repo / "data" / f"{name}.parquet", index=False)
    c = upi.customers  # lab 04's KYC profile: the registered device, valid from the account's opening
    profile = pd.DataFrame({"customer_id": c["customer_id"].astype(str), "event_timestamp": c["account_opened_at"],
                            "usual_device_id": c["usual_device_id"].astype(str)})
    profile.to_parquet(repo / "data/customer_profile.parquet", index=False)
    feast_apply(repo)
    store = FeatureStore(repo_path=str(repo))
    since, state = datetime(2010, 1, 1, tzinfo=UTC), ["customer_recent", "payee_recent", "customer_payee"]
    with contextlib.redirect_stdout(io.StringIO()):  # Feast prints a progress bar per view
        store.materialize(since, until.to_pydatetime(), feature_views=state)  # the state views up to T
        store.materialize(since, datetime(2100, 1, 1, tzinfo=UTC),  # reference data whole, as lab 04 loads it
                          feature_views=["device_first_seen", "customer_profile"])
    return Sample(store=store, history=history, probes=probes, upi=upi)


def test_online_features_equal_offline_features(feast_sample: Sample) -> None:
    s = feast_sample
    assert len(s.probes) >= 10 and s.history["customer_id"].isin(s.probes["customer_id"]).any(), (
        "the sample is too small to compare anything: pick a longer slice of the data")
    inputs = features.feature_list("v2")
    requests = [Payment(**r).model_dump() for r in replay.as_requests(s.probes)]
    online = scoring.request_features(requests, scoring.FeatureReader(s.store).read(scoring.entity_rows(requests),
                                                                                    inputs), inputs)
    seen = dataclasses.replace(s.upi, transactions=pd.concat([s.history, s.probes]))  # only what was known
    offline = features.model_inputs(seen, "v2").loc[s.probes.index]
    diff = differences(pd.DataFrame(online, index=offline.index)[inputs], offline, s.probes["txn_id"].to_numpy())
    assert not diff, (f"{len(diff)} served value(s) differ from what training computes for the same payment "
                      f"(training/serving skew). (txn, feature, online, offline): {diff[:5]}")


def test_online_view_draws_the_same_window_edges(feast_sample: Sample) -> None:
    behaviour = scoring.FeatureReader(feast_sample.store).behaviour  # the registered on-demand function
    t = 10 * 86_400
    edges = [("C1", "P1", "D1", t - w + d, 100 * (d + 2)) for w in feature_pipeline.WINDOWS.values() for d in (0, 1)]
    tx = payments([*edges, ("C2", "P2", "D1", t - 86_400, 1), ("C3", "P2", "D1", t - 86_399, 1),
                   ("C4", "P2", "D1", t, 1), ("C1", "P1", "D1", t, 7_000),   # same-instant twins, already written back
                   ("C1", "P2", "D1", t, 50_000)])                             # the payment being scored
    held = feature_pipeline.feature_store_sources(tx.iloc[:-1], DEVICES)

    def latest(view: str, key: str, value: str) -> pd.Series:  # what the store holds when the payment arrives
        return held[view][held[view][key] == value].sort_values("event_timestamp").iloc[-1]

    c, p, d = latest("customer_recent", "customer_id", "C1"), latest("payee_recent", "payee_id", "P2"), latest(
        "device", "device_id", "D1")
    got = behaviour({"txn_ts": [t + BASE.timestamp()], "amount_inr": [500.0], "cust_recent_ts": [c["cust_recent_ts"]],
                     "cust_recent_amount": [c["cust_recent_amount"]], "payee_recent_ts": [p["payee_recent_ts"]],
                     "payee_recent_payer": [p["payee_recent_payer"]], "first_payment_ts": [None],  # C1 never paid P2
                     "first_seen_ts": [d["first_seen_ts"]]})
    want = feature_pipeline.point_in_time_features(tx, DEVICES).iloc[[-1]]
    diff = differences(pd.DataFrame(got)[feature_pipeline.FEATURES], want, ["scored payment"])
    assert not diff, ("the on-demand view (serving) draws the window edges differently from training: a payment "
                      "exactly w before is out, and so is a same-instant twin. (payment, feature, online, offline): "
                      f"{diff[:5]}")
