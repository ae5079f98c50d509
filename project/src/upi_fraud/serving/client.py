"""Score many payments through the service's /score_batch, as a bulk caller would (exercise 4.7, lab 04).

The caller is BentoML's own HTTP client, which reads the service's routes from /schema.json and turns each
endpoint into a method (a 4xx or 5xx answer raises bentoml.exceptions.BentoMLException):

    with bentoml.SyncHTTPClient("http://127.0.0.1:3000") as service:
        decisions = score_in_batches(service, payments, dry_run=True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from bentoml.exceptions import BentoMLException

from upi_fraud.serving.contract import MAX_BATCH


class BatchScorer(Protocol):
    """What score_in_batches needs of a client: bentoml.SyncHTTPClient(url) has it."""

    def score_batch(self, *, payments: list[dict[str, Any]], dry_run: bool) -> list[dict[str, Any]]: ...


class BatchRefused(RuntimeError):
    """A batch the service refused, or answered for other payments than it was sent; `decided` holds the answers
    of the batches before it, in order, so a caller can resume after fixing the payment the message names."""

    def __init__(self, message: str, decided: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.decided = decided


def score_in_batches(service: BatchScorer, payments: Sequence[dict[str, Any]], *, dry_run: bool = False,
                     batch_size: int = MAX_BATCH) -> list[dict[str, Any]]:
    """Decide `payments` (dicts, as the switch sends them) in order, at most `batch_size` per request.

    Returns one decision per payment, in the payments' order. Raises ValueError for a batch size the contract does
    not allow (1 to MAX_BATCH), before any request, and BatchRefused naming the payments of a batch that failed.
    """
    ### BEGIN SOLUTION 4.7
    if not 1 <= batch_size <= MAX_BATCH:
        raise ValueError(f"batch_size must be 1 to {MAX_BATCH:,} (the contract's MAX_BATCH), not {batch_size}")
    decided: list[dict[str, Any]] = []
    for start in range(0, len(payments), batch_size):
        batch = list(payments[start:start + batch_size])
        which = f"payments {start + 1:,} to {start + len(batch):,}"
        try:
            answers = service.score_batch(payments=batch, dry_run=dry_run)
        except BentoMLException as err:
            raise BatchRefused(f"the service refused {which} ({err.error_code}): {err}", decided) from err
        if [a.get("txn_id") for a in answers] != [p["txn_id"] for p in batch]:
            raise BatchRefused(f"the service answered {which} with other txn_ids than it was sent", decided)
        decided.extend(answers)
    return decided
    ### END SOLUTION
