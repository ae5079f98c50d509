"""Exercise 5.6's planted faults and verdict, without a server (tests/course/test_lab05_service_bites.py runs the
learner's file against the real service): each fault changes what one request or answer says, and the verdict
names the first fault no test catches, with what to add."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlops_course.checks import Wrong
from mlops_course.exercises import _lab05_service as service
from mlops_course.exercises._bite import Outcome, verdict

pytestmark = pytest.mark.unit


def _payment(**changes):
    return {"txn_id": "t1", "amount_inr": 250.0, "channel": "intent", "city_tier": 2, **changes}


@pytest.mark.parametrize(("fault", "payment", "after", "refused"), [
    ("missing-field-500", {"txn_id": "t1"}, {"txn_id": "t1"}, True),
    ("missing-field-500", _payment(), _payment(), False),
    ("string-amount", _payment(amount_inr="250"), _payment(amount_inr=250.0), False),
    ("string-amount", _payment(amount_inr="lots"), _payment(amount_inr="lots"), False),
    ("extra-fields", {**_payment(), "promo_code": "FREE"}, _payment(), False),
    ("negative-amount", _payment(amount_inr=-5.0), _payment(amount_inr=5.0), False),
    ("unknown-channel", _payment(channel="nfc"), _payment(channel="intent"), False),
    ("unknown-channel", _payment(channel="qr"), _payment(channel="qr"), False),
])
def test_a_request_fault_changes_the_payment_as_the_faulty_service_reads_it(fault, payment, after, refused):
    assert service._request_fault(fault, [payment]) is refused
    assert payment == after


@pytest.mark.parametrize(("data", "path", "found"), [
    ({"payment": {"a": 1}}, "/score", [{"a": 1}]),
    ({"payments": [{"a": 1}, "x", {"b": 2}]}, "/score_batch", [{"a": 1}, {"b": 2}]),
    ({"payments": "x"}, "/score_batch", []),
    ([1, 2], "/score", []),
    (None, "/score", []),
])
def test_the_payments_of_a_request_are_found_whatever_its_shape(data, path, found):
    assert service._payments(data, path) == found


def test_response_faults_change_only_what_they_are_about():
    answer = json.dumps({"decision": "allow", "score": 0.1, "model_version": "3"}).encode()
    batch = json.dumps([{"txn_id": "a", "model_version": "3"}, {"txn_id": "b", "model_version": "3"}]).encode()
    assert service._response_fault("silent-refusal", "/score", 400, b'{"error": "city_tier: missing"}') == (
        b'{"error": "bad request"}')
    assert service._response_fault("silent-refusal", "/score", 200, answer) == answer
    assert json.loads(service._response_fault("no-model-version", "/score", 200, answer)) == {
        "decision": "allow", "score": 0.1}
    assert [a["txn_id"] for a in json.loads(service._response_fault("batch-reversed", "/score_batch", 200,
                                                                    batch))] == ["b", "a"]
    assert service._response_fault("batch-reversed", "/score_batch", 400, b"no") == b"no"
    assert service._response_fault("string-amount", "/score", 200, answer) == answer


def _outcome(fault: str, passed: int = 7, failed: int = 0, first: str = "") -> Outcome:
    return Outcome(fault, passed, failed, 0, 0, first)


def _biting(*missed: str) -> list[Outcome]:
    return [_outcome(name) if name in missed else _outcome(name, 6, 1, "x") for name in service.FAULTS]


@pytest.mark.parametrize(("missed", "message"), [
    (("silent-refusal",), "your tests all pass with a service that refuses a bad payment without naming the field: "
                          "assert that each refusal's text names the field"),
    (("batch-reversed",), "a service that answers a batch in another order than its payments: add a test that "
                          "/score_batch answers two payments with their txn_ids in order."),
    (("string-amount", "negative-amount"), "a service that accepts the amount as a string (\"250\") (and 1 more such "
                                           "service(s)): add a case with amount_inr=\"250\""),
])
def test_the_verdict_names_the_first_fault_no_test_catches(missed, message):
    with pytest.raises(Wrong, match=re.escape(message)):
        verdict([_outcome(""), *_biting(*missed)], Path("test_service_contract.py"), service.VERDICT)


def test_tests_that_catch_every_fault_are_right():
    assert verdict([_outcome(""), *_biting()], Path("test_service_contract.py"), service.VERDICT) == (
        "Right: your 7 tests pass on the reference service, and fail for each of 8 services with one fault planted "
        f"({', '.join(service.FAULTS)}).")
