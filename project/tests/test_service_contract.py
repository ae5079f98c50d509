"""What the switch gets back over HTTP (fixture `url`, dry run): a good payment scored, a bad one refused by name."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from upi_fraud.serving.contract import CHANNELS, DEVICE_OS, MERCHANT_CATEGORIES, PAYEE_TYPES


def payment(*drop: str, **changes: Any) -> dict[str, Any]:
    """A valid payment from the contract's constants, `changes` applied, the fields in `drop` left out."""
    p = {"txn_id": "contract-1", "event_timestamp": datetime.now(UTC).isoformat(), "customer_id": "C_contract",
         "payee_id": "P_contract", "device_id": "D_contract", "amount_inr": 250.0, "channel": CHANNELS[0],
         "payee_type": PAYEE_TYPES[-1], "merchant_category": MERCHANT_CATEGORIES[1], "device_os": DEVICE_OS[0],
         "app_version": "3.2.1", "city_tier": 2}
    return {k: v for k, v in {**p, **changes}.items() if k not in drop}


def post_score(url: str, body: dict[str, Any]) -> httpx.Response:
    """POST one payment to /score as the switch does, dry run (nothing written)."""
    return httpx.post(url + "/score", json={"payment": body, "dry_run": True}, timeout=30)


### BEGIN SOLUTION 5.6
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


def test_a_batch_of_two_gets_two_decisions_in_order(url: str) -> None:
    batch = [payment(txn_id="contract-batch-1"), payment(txn_id="contract-batch-2")]
    r = httpx.post(url + "/score_batch", json={"payments": batch, "dry_run": True}, timeout=30)
    assert r.status_code == 200, f"a batch of two valid payments was refused: {r.status_code} {r.text[:500]}"
    assert [d.get("txn_id") for d in r.json()] == ["contract-batch-1", "contract-batch-2"], r.text[:500]
### END SOLUTION
