"""The service's published contract, checked against the real server (given in lab 05).

The payment switch only sees HTTP. These tests read what /docs.json promises, that a body other than JSON gets
415, and that generated requests (schemathesis, driven by that document) never get a 500. The fixture `url`
(conftest.py) is the service: started here on a free port against a copy of the online store and its own log,
or SERVICE_URL. What a good and a bad payment get back is tests/test_service_contract.py (exercise 5.6).

    pytest -q tests/test_service.py        (from the project folder; MLFLOW_TRACKING_URI names the registry)

FUZZ_EXAMPLES (default 20) bounds the schemathesis run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from upi_fraud.serving.request_schema import Payment

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))


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


def test_a_non_json_body_gets_415(url: str) -> None:
    r = httpx.post(url + "/score", content=b"txn_id=1", headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415, f"a text/plain body should get 415 Unsupported Media Type, got {r.status_code}"


def test_generated_requests_never_get_a_server_error(url: str, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    cmd = [str(st), "run", url + "/docs.json", "--include-path", "/score", "--checks", "not_a_server_error",
           "--max-examples", str(FUZZ_EXAMPLES), "--seed", "7", "--workers", "1", "--generation-database", "none",
           "--no-color"]
    run = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    out = "\n".join((run.stdout + run.stderr).splitlines()[-40:])
    assert run.returncode == 0, f"schemathesis found requests that make the service fail (seed 7):\n{out}"
