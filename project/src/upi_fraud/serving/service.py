"""The UPI fraud service: score a payment the moment the payment switch asks (exercise 4.4, lab 04).

`upi-serve` runs it. POST /score one payment, /score_batch up to contract.MAX_BATCH in order; both take `dry_run`
(score, write nothing). runtime.py (given) wires the model, the store, the write-behind, the log and the budget.
"""

import time
import warnings
from typing import Annotated, Any

warnings.filterwarnings("ignore", category=DeprecationWarning)  # pydantic 2.11+ notices inside BentoML, per request

import bentoml  # noqa: E402  (after the filter: BentoML installs its own at import)
import pandas as pd  # noqa: E402
from annotated_types import Len  # noqa: E402
from pydantic import StrictBool  # noqa: E402

from upi_fraud.serving import scoring  # noqa: E402
from upi_fraud.serving.contract import MAX_BATCH  # noqa: E402
from upi_fraud.serving.middleware import JsonOnly, SameOriginOnly  # noqa: E402
from upi_fraud.serving.request_schema import Payment  # noqa: E402
from upi_fraud.serving.runtime import OPERATIONS, ServiceRuntime  # noqa: E402


### BEGIN SOLUTION 4.4
# One worker: one bundle in memory and one write-behind queue, so the writes to a customer stay in order.
@bentoml.service(name="upi_fraud", workers=1, traffic={"timeout": 30}, **OPERATIONS)
class FraudService(ServiceRuntime):
    def _score(self, payments: list[Payment], dry_run: bool) -> list[dict[str, Any]]:
        """Decide a request's payments with one bundle, on fresh features; remember them unless it is a dry run."""
        started = time.perf_counter()
        rows = [p.model_dump() for p in payments]
        bundle = self.bundle_at(pd.Timestamp(rows[0]["event_timestamp"]))  # once: a request never mixes two models
        fresh = self.wait_for_writes(rows)  # before reading: the store must hold this customer's earlier payments
        decisions = scoring.decide(bundle, self.read_features(rows, bundle.inputs))
        for p, d in zip(rows, decisions, strict=True):
            d.update(txn_id=p["txn_id"], decision="review" if d["alert"] else "allow", features_fresh=fresh,
                     logged=not dry_run)
        if not dry_run:
            self.remember(rows, decisions, started)
        return decisions

    # `async def`: short CPU-bound work runs on the event loop; a `def` would hop to a thread pool (~1 ms at p50).
    @bentoml.api
    async def score(self, payment: Payment, dry_run: StrictBool = False) -> dict:
        """Score one payment: score, alert (score >= threshold), decision, reasons, features, model version."""
        return self._score([payment], dry_run)[0]

    @bentoml.api
    async def score_batch(self, payments: Annotated[list[Payment], Len(1, MAX_BATCH)],
                          dry_run: StrictBool = False) -> list[dict]:
        """Score up to 1,000 payments in order, as of the same moment (none sees another's write)."""
        return self._score(payments, dry_run)
### END SOLUTION


# bentoml.service made the class a Service; mypy does not apply what a class decorator returns (mypy#3135).
FraudService.add_asgi_middleware(JsonOnly)  # type: ignore[attr-defined]
FraudService.add_asgi_middleware(SameOriginOnly)  # type: ignore[attr-defined]
