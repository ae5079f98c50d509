"""Contract tests of the learner's lab 04 service, as the solution notebook left it in the workspace.

The service runs from `workspace/project/src` on a sandbox (mlops_course.sandbox): a copy of the online store
restored to go-live and its own inference log, so these tests write payments without moving the course
workspace's production state. The tests run in file order; fuzzing, which sends junk, runs last but one,
and the last test stops the service and checks that nothing of it is left.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
from chain import completed_lab
from upi_kit import data

from mlops_course import project as course_project
from mlops_course import sandbox, services

DOCUMENTED = {"txn_id", "score", "alert", "decision", "threshold", "model_version", "feature_set", "reasons", "features",
              "features_fresh", "logged"}


@pytest.fixture(scope="module")
def project(course_ws):
    lab = completed_lab(course_ws, "04-model-serving")
    with course_project.imported():
        from upi_fraud import dates, feature_pipeline, features
        from upi_fraud.serving import freshness, replay

        upi = data.load(lab.params("ci")["DATA_SIZE"])
        production = replay.payments_between(upi.transactions, dates.GO_LIVE, dates.day_start("2025-12-31"))
        yield {"replay": replay, "features": features, "feature_pipeline": feature_pipeline, "freshness": freshness,
               "upi": upi,
               "tx": upi.transactions, "requests": replay.as_requests(production)}


@pytest.fixture(scope="module")
def live(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lab04-sandbox")
    service = sandbox.fraud_service(folder)
    service.start()
    try:
        yield {"service": service, "url": service.url, "folder": folder}
    finally:
        service.stop()


def _post(live, path, body, **kw):
    return requests.post(live["url"] + path, json=body, timeout=30, **kw)


def _logged(live, txn_ids):
    import sqlite3

    with sqlite3.connect(live["folder"] / "inference_log.db") as db:
        marks = ",".join("?" * len(txn_ids))
        return db.execute(f"SELECT txn_id FROM decisions WHERE txn_id IN ({marks})", list(txn_ids)).fetchall()


def _store(live):
    from feast import FeatureStore

    return FeatureStore(repo_path=str(live["folder"] / "feature_repo"))


def test_lab04_a_valid_payment_answers_200_with_the_documented_fields(project, live):
    r = _post(live, "/score", {"payment": project["requests"][0], "dry_run": True})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert set(answer) == DOCUMENTED
    assert answer["logged"] is False and not _logged(live, [answer["txn_id"]])  # a dry run says so and writes nothing
    assert answer["alert"] == (answer["score"] >= answer["threshold"])
    assert answer["decision"] == ("review" if answer["alert"] else "allow")
    assert 0 <= answer["score"] <= 1 and len(answer["reasons"]) <= 3


def test_lab04_a_customer_payee_and_device_never_seen_are_scored_with_defaults(project, live):
    """Cold start: no history anywhere in the store is a 200 with defined defaults, never a 500."""
    new = {**project["requests"][0], "customer_id": "CNEW000001", "payee_id": "PNEW000001", "device_id": "DNEW000001"}
    r = _post(live, "/score", {"payment": new, "dry_run": True})
    assert r.status_code == 200, r.text
    features = r.json()["features"]
    assert features["new_device"] == 1
    if "cust_txn_24h" in features:  # a v2 champion: empty windows, a payee never paid, a device with no age
        assert features["cust_txn_24h"] == 0 and features["new_payee"] == 1 and features["device_age_days"] is None
    served = _post(live, "/features", {"payment": new}).json()
    assert served["cust_txn_7d"] == 0 and served["payee_payers_24h"] == 0 and served["amount_vs_7d_avg"] is None


def test_lab04_health_endpoints_and_metrics_answer(live):
    for path in ("/readyz", "/livez", "/docs.json"):
        assert requests.get(live["url"] + path, timeout=10).status_code == 200, path
    metrics = requests.get(live["url"] + "/metrics", timeout=10)
    assert metrics.status_code == 200 and "request_duration_seconds" in metrics.text


def test_lab04_reload_swaps_in_the_version_the_alias_names(live):
    r = _post(live, "/reload", {})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == r.json()["previous_version"]  # the alias has not moved


def _bad_cases(first):
    def with_(**change):
        return {"payment": {**first, **change}}

    missing_os = {k: v for k, v in first.items() if k != "device_os"}
    return [
        ("malformed JSON", "/score", b'{"payment": {', "application/json", None),
        ("a form, not JSON", "/score", b"amount_inr=5", "application/x-www-form-urlencoded", None),
        ("amount as text", "/score", with_(amount_inr="499"), None, "amount_inr"),
        ("amount as true", "/score", with_(amount_inr=True), None, "amount_inr"),
        ("negative amount", "/score", with_(amount_inr=-1.0), None, "amount_inr"),
        ("absurd amount", "/score", with_(amount_inr=1e9), None, "amount_inr"),
        ("unknown channel", "/score", with_(channel="upi-lite"), None, "channel"),
        ("unknown OS", "/score", with_(device_os="symbian"), None, "device_os"),
        ("no time zone", "/score", with_(event_timestamp="2025-09-01T10:00:00"), None, "event_timestamp"),
        ("city tier as float", "/score", with_(city_tier=2.0), None, "city_tier"),
        ("extra field", "/score", with_(note="x"), None, "note"),
        ("id with a space", "/score", with_(customer_id="C 1"), None, "customer_id"),
        ("no OS key", "/score", {"payment": missing_os}, None, "device_os"),
        ("empty batch", "/score_batch", {"payments": []}, None, "payments"),
        ("oversized batch", "/score_batch", {"payments": [first] * 1001, "dry_run": True}, None, "payments"),
    ]


def test_lab04_each_bad_input_answers_4xx_naming_the_field(project, live):
    wrong = []
    for name, path, body, kind, field in _bad_cases(project["requests"][0]):
        if kind:
            r = requests.post(live["url"] + path, data=body, headers={"Content-Type": kind}, timeout=30)
        else:
            r = _post(live, path, body)
        named = {str(part) for d in r.json().get("detail", []) if isinstance(d, dict) for part in d.get("loc", [])}
        if not 400 <= r.status_code < 500 or (field and field not in named):
            wrong.append(f"{name}: {r.status_code} {r.text[:120]}")
    assert not wrong, wrong


def test_lab04_a_batch_answers_as_the_same_payments_one_by_one(project, live):
    some = project["requests"][:120]
    batch = _post(live, "/score_batch", {"payments": some, "dry_run": True}).json()
    singles = [_post(live, "/score", {"payment": p, "dry_run": True}).json() for p in some]
    assert batch == singles


def test_lab04_served_features_equal_the_point_in_time_pipeline_after_writes(project, live):
    """Replay the first production days with writes; the features the service serves at each sampled moment
    equal lab 03's pipeline computed from the raw payments (an independent path, not the same store)."""
    features, feature_pipeline = project["features"], project["feature_pipeline"]
    tx, day = project["tx"], project["requests"][:150]
    probe = {r["txn_id"] for r in day[::3]}
    answers = project["replay"].replay_http(live["url"], day, probe=probe, progress=False)
    upi = project["upi"]
    truth = pd.concat([features.build_features(tx, upi.customers),
                       feature_pipeline.point_in_time_features(tx, upi.devices)], axis=1)
    truth.index = tx["txn_id"].astype(str)
    served = pd.DataFrame({a["txn_id"]: a["served"] for a in answers if "served" in a}).T
    assert len(served) == len(probe) and served["cust_txn_7d"].astype(float).sum() > 0
    for name in served.columns:
        want = truth.loc[served.index, name]
        if want.dtype == object:
            assert (served[name] == want).all(), name
        else:
            assert np.allclose(served[name].astype(float), want.astype(float), rtol=1e-9, equal_nan=True), name
    assert len(_logged(live, [a["txn_id"] for a in answers])) == len(answers)
    assert all(a["logged"] is True for a in answers)


def test_lab04_concurrent_requests_all_land_in_the_log_exactly_once(project, live):
    streams = [project["requests"][200 + 25 * i: 225 + 25 * i] for i in range(8)]
    errors = []

    def send(payments):
        with requests.Session() as http:
            for p in payments:
                r = http.post(live["url"] + "/score", json={"payment": p}, timeout=30)
                if r.status_code != 200:
                    errors.append(r.text)

    threads = [threading.Thread(target=send, args=(s,)) for s in streams]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flushed = _post(live, "/flush", {}).json()
    sent = [p["txn_id"] for s in streams for p in s]
    rows = _logged(live, sent)
    assert not errors and flushed["flushed"] and not flushed["errors"]
    assert len(rows) == len(sent) == 200 and len(set(rows)) == 200


def _crafted(project, txn_id, payee, seconds):
    first = project["requests"][0]
    when = pd.Timestamp("2025-10-01T10:00:00+05:30") + pd.Timedelta(seconds=seconds)
    return {**first, "txn_id": txn_id, "payee_id": payee, "event_timestamp": when.isoformat()}


def _customer_times(live, customer):
    got = _store(live).get_online_features(features=["customer_recent:cust_recent_ts"],
                                           entity_rows=[{"customer_id": customer}]).to_dict()
    return list(got["cust_recent_ts"][0] or [])


def test_lab04_two_payments_of_one_customer_at_once_both_land_and_a_retry_lands_once(project, live):
    a, b = _crafted(project, "TESTCONC-A", "P900001", 0), _crafted(project, "TESTCONC-B", "P900002", 1)
    threads = [threading.Thread(target=_post, args=(live, "/score", {"payment": p})) for p in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _post(live, "/score", {"payment": a})  # the switch retries A
    assert _post(live, "/flush", {}).json()["flushed"]
    times = _customer_times(live, a["customer_id"])
    stamp = pd.Timestamp(a["event_timestamp"]).timestamp()
    assert times.count(stamp) == 1 and times.count(stamp + 1) == 1, times
    assert len(_logged(live, ["TESTCONC-A", "TESTCONC-B"])) == 2


def test_lab04_the_write_behind_keeps_bounded_statistics_and_counts_a_wait_that_timed_out(project, tmp_path):
    """In-process, on a sandboxed go-live copy of the store: a long-running writer keeps only its recent lags, and a
    read-your-writes wait that times out returns False and is counted, never silent."""
    from feast import FeatureStore

    freshness = project["freshness"]
    store = FeatureStore(repo_path=sandbox.prepare(tmp_path)["FEATURE_REPO"])
    writer = freshness.FreshWriter(store, keep_lags=5, keep_errors=2)
    stuck = ("customer", "C-A-WRITE-THAT-NEVER-LANDS")
    try:
        for payment in project["tx"].sort_values("event_timestamp").iloc[-40:].itertuples():
            writer.submit([freshness.Event(str(payment.txn_id), payment.customer_id, payment.payee_id,
                                           payment.event_timestamp.timestamp(), payment.amount_inr)])
        assert writer.flush(timeout=60)
        assert writer.stats()["written"] == 40 and len(writer.lags_ms) == 5 and writer.stats()["failed"] == 0
        with writer.done:
            writer.pending[stuck] += 1  # as if its write sat in the queue
        assert writer.wait_clear([stuck], timeout=0.05) is False
        assert writer.stats()["stale_reads"] == 1
    finally:
        with writer.done:
            writer.pending.pop(stuck, None)
        writer.close()


def test_lab04_schemathesis_finds_no_server_error(live, tmp_path):
    report = tmp_path / "fuzz.xml"
    st = str(Path(sys.executable).with_name("st"))
    run = subprocess.run(
        [st, "run", f"{live['url']}/docs.json", "--include-path-regex", "^/score", "--checks", "not_a_server_error",
         "--max-examples", "40", "--workers", "1", "--seed", "7", "--no-color", "--report", "junit",
         "--report-junit-path", str(report)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    suites = ET.parse(report).getroot()
    assert sum(1 for _ in suites.iter("testcase")) == 2, run.stdout[-2000:]
    assert run.returncode == 0, run.stdout[-2000:]


def test_lab04_the_fuzzers_valid_batches_reach_the_scoring_path(live, tmp_path):
    """The OpenAPI document states what the schema enforces (contract.IsoTime's pattern among it), so every batch
    schemathesis generates as valid is accepted: positive_data_acceptance fails on a refused one. (/score's body
    is not marked required in BentoML's document, so a "valid" empty body is refused there; /score_batch carries
    the same Payment schema.)"""
    st = str(Path(sys.executable).with_name("st"))
    run = subprocess.run(
        [st, "run", f"{live['url']}/docs.json", "--include-path-regex", "^/score_batch$", "--mode", "positive",
         "--checks", "not_a_server_error,positive_data_acceptance", "--max-examples", "40", "--workers", "1",
         "--seed", "7", "--no-color"], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0 and "mostly rejected" not in run.stdout, run.stdout[-3000:]
    assert " generated, " in run.stdout and " passed" in run.stdout, run.stdout[-3000:]


def test_lab04_after_stop_no_process_of_the_service_is_left_and_the_port_is_free(live):
    import psutil

    service = live["service"]
    pids, port = service.pids(), service.port
    assert pids, "the service should be running before the stop"
    service.stop()
    assert services.port_is_free(port)
    assert not [p for p in pids if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
