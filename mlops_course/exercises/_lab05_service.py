"""Exercise 5.x: the service contract tests, checked against a real server that can be told to misbehave.

The learner's tests/test_service_contract.py runs against the reference service (every test must pass), then
once per planted fault (some test must fail for each). The service starts once, with an ASGI middleware in front
of it (FaultSwitch) that reads the fault of the moment from a file before each request: one `bentoml serve` for
the reference and every fault, seconds per fault instead of a server start each.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..checks import exercise
from ._bite import Faults, judge

FAULT_FILE_ENV = "COURSE_SERVICE_FAULT_FILE"
SCORING = ("/score", "/score_batch")

Message = dict[str, Any]


def _payments(data: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return []
    found = data.get("payment") if path == "/score" else data.get("payments")
    items = [found] if path == "/score" else (found if isinstance(found, list) else [])
    return [p for p in items if isinstance(p, dict)]


def _request_fault(fault: str, payments: list[dict[str, Any]]) -> bool:
    """Change the request's payments in place as the faulty service would read them; True: answer 500."""
    from upi_fraud.serving.contract import CHANNELS
    from upi_fraud.serving.request_schema import Payment

    for p in payments:
        if fault == "missing-field-500" and "city_tier" not in p:
            return True
        if fault == "string-amount" and isinstance(p.get("amount_inr"), str):
            try:
                p["amount_inr"] = float(p["amount_inr"])
            except ValueError:
                pass
        if fault == "extra-fields":
            for key in set(p) - set(Payment.model_fields):
                del p[key]
        if fault == "negative-amount" and isinstance(p.get("amount_inr"), int | float) and p["amount_inr"] < 0:
            p["amount_inr"] = -p["amount_inr"]
        if fault == "unknown-channel" and p.get("channel") not in CHANNELS:
            p["channel"] = CHANNELS[0]
    return False


def _response_fault(fault: str, path: str, status: int, body: bytes) -> bytes:
    if fault == "silent-refusal" and 400 <= status < 500:
        return b'{"error": "bad request"}'
    if fault not in ("no-model-version", "batch-reversed") or status != 200:
        return body
    data = json.loads(body)
    if fault == "batch-reversed" and path == "/score_batch":
        data = list(reversed(data))
    if fault == "no-model-version":
        for answer in data if isinstance(data, list) else [data]:
            answer.pop("model_version", None)
    return json.dumps(data).encode()


async def _read(receive: Any) -> bytes:
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


def _replaying(body: bytes) -> Any:
    """An ASGI receive that hands over `body` once, then says the client left."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _rewriting(send: Any, fault: str, path: str) -> Any:
    """An ASGI send that holds the answer back, passes it through _response_fault, then sends it."""
    start: Message = {}
    chunks: list[bytes] = []

    async def rewrite(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        out = _response_fault(fault, path, start["status"], b"".join(chunks))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(out)).encode())]})
        await send({"type": "http.response.body", "body": out})

    return rewrite


class FaultSwitch:
    """ASGI middleware: the fault named in the file COURSE_SERVICE_FAULT_FILE, applied to /score and /score_batch."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.file = Path(os.environ[FAULT_FILE_ENV])

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        fault = self.file.read_text().strip() if self.file.is_file() else ""
        if not fault or scope["type"] != "http" or scope.get("method") != "POST" or scope["path"] not in SCORING:
            await self.app(scope, receive, send)
            return
        body = await _read(receive)
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if _request_fault(fault, _payments(data, scope["path"])):
            await send({"type": "http.response.start", "status": 500,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"error": "KeyError: city_tier"}'})
            return
        body = json.dumps(data).encode() if data is not None else body
        await self.app(scope, _replaying(body), _rewriting(send, fault, scope["path"]))


def _faulty_service() -> Any:
    from upi_fraud.serving.service import FraudService

    FraudService.add_asgi_middleware(FaultSwitch)
    return FraudService


if os.environ.get(FAULT_FILE_ENV):  # imported by `bentoml serve mlops_course.exercises._lab05_service:Faulty`
    Faulty = _faulty_service()


def _planted(name: str) -> Any:
    @contextmanager
    def planted() -> Iterator[None]:
        file = Path(os.environ[FAULT_FILE_ENV])
        file.write_text(name)
        try:
            yield
        finally:
            file.write_text("")

    return planted


#: Seconds the service may take to start in the check (the first start after a reboot is the slowest).
START_TIMEOUT = 120.0
#: Seconds the whole check may take: one service start, then the reference and each fault (seconds each).
TIMEOUT = 300


@contextmanager
def session() -> Iterator[None]:
    """The reference service, started once for the whole bite with FaultSwitch in front of it; SERVICE_URL names it
    (the project's conftest.py then uses it instead of starting its own)."""
    from upi_fraud.serving import local

    from ..workspace import project_dir

    # The reference code, on the workspace's feature repo (its registry; the store is copied), never on the
    # reference project's own folder, which holds no data.
    os.environ.setdefault("FEATURE_REPO", str(project_dir() / "feature_repo"))
    with tempfile.TemporaryDirectory(prefix="service-bite-") as tmp:
        fault_file = Path(tmp) / "fault"
        fault_file.write_text("")
        os.environ[FAULT_FILE_ENV] = str(fault_file)
        env = {FAULT_FILE_ENV: str(fault_file), "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # the reference's
        with local.serving(Path(tmp), START_TIMEOUT, service=f"{__name__}:Faulty", env=env) as url:
            os.environ["SERVICE_URL"] = url
            try:
                yield
            finally:
                del os.environ["SERVICE_URL"]


#: {fault: (what the faulty service does, after "a service that"), what to add}.
MISSES: dict[str, tuple[str, str]] = {
    "missing-field-500": ("answers 500 to a payment without its city_tier",
                          "add a case without city_tier (payment(\"city_tier\")) and demand a 4xx, never a 5xx."),
    "string-amount": ("accepts the amount as a string (\"250\")",
                      "add a case with amount_inr=\"250\" and demand a 4xx naming amount_inr."),
    "extra-fields": ("drops a field it does not know instead of refusing the payment",
                     "add a case with an unknown extra field and demand a 4xx naming it."),
    "negative-amount": ("accepts a negative amount", "add a case with a negative amount and demand a 4xx."),
    "unknown-channel": ("accepts a channel it does not know", "add a case with channel=\"nfc\" and demand a 4xx."),
    "silent-refusal": ("refuses a bad payment without naming the field",
                       "assert that each refusal's text names the field, so the switch's team can fix their side."),
    "no-model-version": ("answers without the model version that decided",
                         "add a test that a valid payment gets a decision, a score in [0, 1] and a model_version."),
    "batch-reversed": ("answers a batch in another order than its payments",
                       "add a test that /score_batch answers two payments with their txn_ids in order."),
}
FAULTS: dict[str, Any] = {name: _planted(name) for name in MISSES}
VERDICT = Faults("5.6", "service", "on the reference service", {name: what for name, (what, _) in MISSES.items()},
                 {name: advice for name, (_, advice) in MISSES.items()}, "services with one fault planted")


@exercise(
    "5.6",
    "the service contract tests",
    hint=(
        "Each test calls the service over HTTP through the fixture url: post_score(url, payment()) for one "
        "payment, httpx.post(url + \"/score_batch\", json={\"payments\": [...], \"dry_run\": True}) for a batch. "
        "Assert on r.status_code and r.json(), with a message that shows r.text.",
        "One parametrized test covers the bad requests: a dict BAD = {case: (field, body)} and "
        "@pytest.mark.parametrize(\"case\", list(BAD)); payment(\"city_tier\") leaves the field out, "
        "payment(amount_inr=\"250\") sends it as a string. Demand a status below 500, then a 4xx, then the field "
        "named in r.text.",
        "The check starts the reference service once and plants eight faults in turn: a 500 on a missing field, a "
        "string amount accepted, an unknown field dropped, a negative amount and an unknown channel accepted, a "
        "refusal naming nothing, an answer without model_version, a batch answered out of order.",
    ),
)
def service_contract_tests(path: Any) -> str:
    return judge(path, "_lab05_service", VERDICT, timeout=TIMEOUT)
