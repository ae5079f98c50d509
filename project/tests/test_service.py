"""The service's contract, checked against the real server (given in lab 05).

The payment switch only sees HTTP: what /docs.json promises, what a good payment gets back, and that a bad
request gets a 4xx naming the field, never a 500. So these tests start `bentoml serve` on the service
themselves, the way the switch would meet it, on a free port against a temporary copy of the online store and
its own inference log (the real store and log are left as they are), and stop it at the end.

    pytest -q tests/test_service.py        (from the project folder; MLFLOW_TRACKING_URI names the registry)

SERVICE_TIMEOUT (default 120 s) bounds the start-up; FUZZ_EXAMPLES (default 20) bounds the schemathesis run.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from upi_fraud import layout
from upi_fraud.serving.contract import CHANNELS, DEVICE_OS, MERCHANT_CATEGORIES, PAYEE_TYPES
from upi_fraud.serving.request_schema import Payment
from upi_fraud.serving.serve import SERVICE

HOST = "127.0.0.1"
TIMEOUT = float(os.environ.get("SERVICE_TIMEOUT", "120"))
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def tail(path: Path, lines: int = 25) -> str:
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def sandbox(folder: Path) -> dict[str, str]:
    """A feature repo whose online store is a copy of the go-live store, and a fresh inference log; returns the env."""
    repo = layout.feature_repo()
    candidates = [layout.go_live_snapshot(), repo / "data/online_store.db"]
    store = next((p for p in candidates if p.is_file()), None)
    if store is None:
        pytest.fail(f"No online store to test against: neither {candidates[0]} nor {candidates[1]} exists. "
                    "Materialize the features (lab 03/04) first.")
    config = yaml.safe_load((repo / "feature_store.yaml").read_text())
    config["online_store"]["path"] = str(folder / "online_store.db")
    config["registry"] = str((repo / config["registry"]).resolve())  # a relative one stays ours
    (folder / "feature_repo").mkdir()
    (folder / "feature_repo/feature_store.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    with sqlite3.connect(store) as source, sqlite3.connect(folder / "online_store.db") as target:
        source.backup(target)  # a consistent copy even if a server is writing to the store
    src = str(layout.PROJECT / "src")  # the service's package, installed or not
    return {"FEATURE_REPO": str(folder / "feature_repo"), "INFERENCE_LOG": str(folder / "inference_log.db"),
            "BENTOML_HOME": str(folder / "bentoml"), "BENTOML_DO_NOT_TRACK": "true", "DO_NOT_TRACK": "true",
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "PYTHONPATH": os.pathsep.join(p for p in [src, os.environ.get("PYTHONPATH", "")] if p)}


def stop(proc: subprocess.Popen[bytes], port: int, grace: float = 10.0) -> None:
    """SIGTERM to the server's process group (a clean shutdown drains the log queue), SIGKILL after the grace."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    deadline = time.monotonic() + grace  # BentoML's worker has its own session: wait until it lets go of the port
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert port_is_free(port), f"port {port} is still taken after stopping the service: a worker outlived it"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("service")
    env = {**os.environ, **sandbox(folder)}
    port = free_port()
    bentoml = Path(sys.executable).with_name("bentoml")
    cmd = [str(bentoml), "serve", SERVICE, "--host", HOST, "--port", str(port)]
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=layout.PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"The service exited (code {proc.returncode}) before it was ready. "
                            f"Its log ends with:\n{tail(log_path)}")
            try:
                if httpx.get(base + "/readyz", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass  # the port opens before the worker is up: keep polling
            if time.monotonic() > deadline:
                pytest.fail(f"The service was not ready at {base}/readyz within {TIMEOUT:.0f} s "
                            f"(raise SERVICE_TIMEOUT if the first start is slow). Its log ends with:\n{tail(log_path)}")
            time.sleep(0.25)
        yield base
    finally:
        stop(proc, port)


def payment(*drop: str, **changes: Any) -> dict[str, Any]:
    """A valid payment built from the schema's own constants, with the fields in `drop` left out."""
    p = {"txn_id": f"contract-{time.time_ns()}", "event_timestamp": datetime.now(UTC).isoformat(),
         "customer_id": "C_contract", "payee_id": "P_contract", "device_id": "D_contract",
         "amount_inr": 250.0, "channel": CHANNELS[0], "payee_type": PAYEE_TYPES[-1],
         "merchant_category": MERCHANT_CATEGORIES[1], "device_os": DEVICE_OS[0], "app_version": "3.2.1",
         "city_tier": 2}
    return {k: v for k, v in {**p, **changes}.items() if k not in drop}


def post_score(url: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(url + "/score", json={"payment": body, "dry_run": True}, timeout=30)


def resolve(docs: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`s ("#/components/schemas/Payment") to the schema they name."""
    while "$ref" in node:
        ref, node = node["$ref"], docs
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
    return node


def test_docs_describe_score_with_every_payment_field_required(url: str) -> None:
    docs = httpx.get(url + "/docs.json", timeout=10).json()
    assert "post" in docs["paths"].get("/score", {}), "/docs.json does not document POST /score"
    body = resolve(docs, docs["paths"]["/score"]["post"]["requestBody"]["content"]["application/json"]["schema"])
    schema = resolve(docs, body["properties"]["payment"])
    required = sorted(schema.get("required", []))
    assert set(required) == set(Payment.model_fields), (
        "The documented Payment schema must require exactly the fields the switch sends (a field documented as "
        f"optional is one the service must cope without). Documented as required: {required}; "
        f"Payment's fields: {sorted(Payment.model_fields)}")


def test_a_valid_payment_gets_a_decision_score_and_model_version(url: str) -> None:
    r = post_score(url, payment())
    assert r.status_code == 200, f"a valid payment was refused: {r.status_code} {r.text[:500]}"
    out = r.json()
    assert out.get("decision") in {"allow", "review"}, f"no decision (allow/review) in the answer: {out}"
    assert isinstance(out.get("score"), float) and 0.0 <= out["score"] <= 1.0, f"the score is not in [0, 1]: {out}"
    assert out.get("model_version"), f"the answer does not say which model version decided: {out}"


BAD = {
    "missing city_tier": ("city_tier", payment("city_tier")),
    "amount as a string": ("amount_inr", payment(amount_inr="250")),
    "an unknown extra field": ("promo_code", {**payment(), "promo_code": "FREE"}),
    "a negative amount": ("amount_inr", payment(amount_inr=-5.0)),
    "an unknown channel": ("channel", payment(channel="nfc")),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_gets_a_4xx_naming_the_field_never_a_5xx(url: str, case: str) -> None:
    field, body = BAD[case]
    r = post_score(url, body)
    assert r.status_code < 500, f"{case}: the service crashed ({r.status_code}) instead of refusing: {r.text[:500]}"
    assert 400 <= r.status_code < 500, f"{case}: expected a 4xx refusal, got {r.status_code}: {r.text[:500]}"
    assert field in r.text, f"{case}: the refusal does not name the field {field!r}: {r.text[:500]}"


def test_a_non_json_body_gets_415(url: str) -> None:
    r = httpx.post(url + "/score", content=b"txn_id=1", headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415, f"a text/plain body should get 415 Unsupported Media Type, got {r.status_code}"


def test_a_batch_of_two_gets_two_decisions_in_order(url: str) -> None:
    batch = [payment(txn_id="contract-batch-1"), payment(txn_id="contract-batch-2")]
    r = httpx.post(url + "/score_batch", json={"payments": batch, "dry_run": True}, timeout=30)
    assert r.status_code == 200, f"a batch of two valid payments was refused: {r.status_code} {r.text[:500]}"
    assert [d.get("txn_id") for d in r.json()] == ["contract-batch-1", "contract-batch-2"], r.text[:500]


def test_generated_requests_never_get_a_server_error(url: str, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    cmd = [str(st), "run", url + "/docs.json", "--include-path", "/score", "--checks", "not_a_server_error",
           "--max-examples", str(FUZZ_EXAMPLES), "--seed", "7", "--workers", "1", "--generation-database", "none",
           "--no-color"]
    run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    out = "\n".join((run.stdout + run.stderr).splitlines()[-40:])
    assert run.returncode == 0, f"schemathesis found requests that make the service fail (seed 7):\n{out}"
