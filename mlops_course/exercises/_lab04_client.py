"""Exercise 4.7's check, the batch client: score_in_batches run against a crafted service on crafted payments.

CraftedService stands where bentoml.SyncHTTPClient(url) stands in the lab: it has the client's score_batch method
(keyword arguments, a list of dicts back), records every request, refuses what the real service refuses (an empty
batch, more than MAX_BATCH payments, a payment it cannot validate) with BentoML's own exception, and can answer
one batch in the wrong order. The notebook then runs the learner's function against the real service.
"""

from __future__ import annotations

import importlib
from http import HTTPStatus
from typing import Any

from bentoml.exceptions import InvalidArgument

from ..checks import Wrong, call_learner, exercise, require_type

MAX_BATCH = 1_000  # as in upi_fraud.serving.contract (a unit test keeps them equal)
BAD_TXN = "T_BAD"
BAD_FIELD = "payments.2.amount_inr: Input should be a valid number"


class CraftedService:
    """The client's score_batch, recorded: `requests` holds (txn_ids, dry_run) per call."""

    def __init__(self, reorder_call: int | None = None) -> None:
        self.requests: list[tuple[list[str], Any]] = []
        self.reorder_call = reorder_call

    def score_batch(self, *, payments: Any, dry_run: Any = False) -> list[dict[str, Any]]:
        batch = list(payments)
        self.requests.append(([p.get("txn_id") if isinstance(p, dict) else p for p in batch], dry_run))
        if not 1 <= len(batch) <= MAX_BATCH:
            raise InvalidArgument(f"payments: List should have 1 to {MAX_BATCH} items, not {len(batch)}",
                                  error_code=HTTPStatus.BAD_REQUEST)
        if any(isinstance(p, dict) and p.get("txn_id") == BAD_TXN for p in batch):
            raise InvalidArgument(BAD_FIELD, error_code=HTTPStatus.BAD_REQUEST)
        answers = [{"txn_id": p["txn_id"], "score": 0.1, "decision": "allow", "logged": not dry_run} for p in batch]
        return answers[::-1] if len(self.requests) - 1 == self.reorder_call else answers


def crafted_payments(n: int, bad_at: int | None = None) -> list[dict[str, Any]]:
    """n payments as the switch sends them (only what the client reads differs: the txn_id)."""
    return [{"txn_id": BAD_TXN if i == bad_at else f"T{i + 1:05d}", "amount_inr": 250.0, "channel": "intent"}
            for i in range(n)]


def _run(func: Any, service: CraftedService, payments: list[dict[str, Any]], **kwargs: Any) -> Any:
    return call_learner(func, "score_in_batches", service, payments, **kwargs)


def _in_order(func: Any, n: int, size: int | None, dry_run: bool) -> None:
    """n payments, `size` a request (the default when None): every payment once, in order, dry_run passed."""
    service, payments = CraftedService(), crafted_payments(n)
    kwargs: dict[str, Any] = {"dry_run": dry_run} | ({} if size is None else {"batch_size": size})
    limit = MAX_BATCH if size is None else size
    call = f"score_in_batches(service, {n:,} payments{'' if size is None else f', batch_size={size}'}, " \
           f"dry_run={dry_run})"
    try:
        out = _run(func, service, payments, **kwargs)
    finally:  # a request too big is the mistake to name, whatever the learner's code made of its refusal
        sizes = [len(ids) for ids, _ in service.requests]
        if any(s > limit for s in sizes):
            raise Wrong(f"{call} sent {max(sizes):,} payments in one request: at most batch_size ({limit:,}) a "
                        f"request; the service refuses more than {MAX_BATCH:,} (the contract's MAX_BATCH).")
    sent = [t for ids, _ in service.requests for t in ids]
    want = [p["txn_id"] for p in payments]
    if sent != want:
        missing = len(set(want) - set(sent))
        raise Wrong(f"{call} sent {len(sent):,} payments in {len(sizes)} requests of {sizes}"
                    + (f": {missing:,} were never sent (the last, partial batch?)" if missing else
                       ": some twice or out of order") + "; step through the payments batch_size at a time.")
    if any(d is not dry_run for _, d in service.requests):
        raise Wrong(f"{call} sent dry_run={[d for _, d in service.requests][0]!r}: pass the caller's dry_run on "
                    "every request (a dry run must write nothing, a real one must be logged).")
    require_type(out, list, f"what {call} returns")
    if [a.get("txn_id") if isinstance(a, dict) else a for a in out] != want:
        raise Wrong(f"{call} returned {len(out):,} answers: one decision per payment, in the payments' order "
                    "(the answers of each batch, batch after batch).")


def _no_payments(func: Any) -> None:
    service = CraftedService()
    try:
        out = _run(func, service, [])
    finally:
        if service.requests:
            raise Wrong("with no payments it sent a request with an empty batch, which the service refuses (400): "
                        "no payments, no request, and [] back.")
    if out != []:
        raise Wrong(f"with no payments it returned {out!r}: return [] (no decisions).")


def _bad_sizes(func: Any) -> None:
    for size in (0, MAX_BATCH + 1):
        service = CraftedService()
        try:
            _run(func, service, crafted_payments(3), batch_size=size)
        except Wrong as err:
            if "raised ValueError" in str(err) and "batch_size" in str(err) and service.requests == []:
                continue
            if service.requests:
                raise Wrong(f"with batch_size={size:,} it sent a request: refuse a size outside 1 to {MAX_BATCH:,} "
                            "before sending anything, with a ValueError that says what is allowed.") from None
            raise Wrong(f"with batch_size={size:,}: {err}; raise ValueError naming batch_size and the sizes the "
                        f"contract allows (1 to {MAX_BATCH:,}).") from None
        raise Wrong(f"with batch_size={size:,} it {'sent a request' if service.requests else 'returned'}: refuse a "
                    f"size outside 1 to {MAX_BATCH:,} before sending anything, with a ValueError that says what "
                    "is allowed.")


def _refused(func: Any, refused_type: type) -> None:
    """The second batch of 7 holds a payment the service refuses: BatchRefused, with the first 7 decisions."""
    service, payments = CraftedService(), crafted_payments(20, bad_at=9)
    try:
        func(service, payments, batch_size=7)
    except refused_type as err:
        decided = getattr(err, "decided", None)
        if BAD_FIELD not in str(err):
            raise Wrong(f"BatchRefused says {str(err)!r}: carry the service's own message, which names the field "
                        "(and where it is in the batch).") from None
        if not isinstance(decided, list) or [a.get("txn_id") for a in decided] != [f"T{i:05d}" for i in range(1, 8)]:
            raise Wrong(f"BatchRefused.decided holds {decided!r}: hand over the 7 decisions of the batch before, "
                        "which the service has made (and, without dry_run, logged), so nothing is lost.") from None
        if len(service.requests) != 2:
            raise Wrong(f"it sent {len(service.requests)} requests: stop at the refused batch.") from None
        return
    except InvalidArgument as err:
        raise Wrong("the service's refusal reached the caller as BentoML's InvalidArgument "
                    f"({str(err)[:60]}...), without saying which payments: catch BentoMLException and raise "
                    "BatchRefused(message, decided) from it.") from None
    except Exception as err:
        raise Wrong(f"when the service refused payments 8 to 14 it raised {type(err).__name__}: {err}; raise "
                    "BatchRefused(message, decided).") from None
    raise Wrong("the service refused payments 8 to 14 (one cannot be validated) and score_in_batches returned: "
                "raise BatchRefused, or the caller counts payments as decided that never were.")


def _reordered(func: Any, refused_type: type) -> None:
    """The service answers the second batch in reverse: the client must notice, not hand back wrong pairs."""
    service = CraftedService(reorder_call=1)
    try:
        func(service, crafted_payments(20), batch_size=7)
    except refused_type:
        return
    except Exception as err:
        raise Wrong(f"when a batch came back in another order it raised {type(err).__name__}: {err}; raise "
                    "BatchRefused(message, decided).") from None
    raise Wrong("it accepted a batch answered in another order than it was sent: compare the answers' txn_ids "
                "with the batch's, or a decision lands on another payment.")


@exercise(
    "4.7",
    "the batch client",
    hint=(
        "A bulk caller sends many payments, at most MAX_BATCH (1,000) a request. bentoml.SyncHTTPClient(url) "
        "turns each endpoint into a method: service.score_batch(payments=[...], dry_run=...) sends one batch and "
        "returns its decisions; a 4xx raises bentoml.exceptions.BentoMLException.",
        "Check batch_size first (ValueError outside 1 to MAX_BATCH). Then `for start in range(0, len(payments), "
        "batch_size)`: batch = payments[start:start + batch_size], call score_batch with the caller's dry_run, "
        "and extend one list with the answers.",
        "Wrap the call in try/except BentoMLException and raise BatchRefused(message naming the payments and the "
        "service's own message, decided) from it; after each answer compare [a['txn_id'] for a in answers] with "
        "the batch's txn_ids and raise BatchRefused when they differ.",
    ),
)
def batch_client(module: Any) -> str:
    if isinstance(module, str):  # a module name: import it afresh, so its stub reports "not done yet"
        module = importlib.reload(importlib.import_module(module))
    func = getattr(module, "score_in_batches", None)
    refused_type = getattr(module, "BatchRefused", None)
    if not isinstance(refused_type, type):
        raise Wrong("client.py has no BatchRefused: keep the given class above score_in_batches.")
    _bad_sizes(func)
    _no_payments(func)
    for n, size, dry_run in ((2_500, None, False), (20, 7, True), (7, 7, False), (1, 1_000, True)):
        _in_order(func, n, size, dry_run)
    _refused(func, refused_type)
    _reordered(func, refused_type)
    return ("On a crafted service: 2,500 payments in 3 requests of at most 1,000, a partial last batch, dry_run on "
            "every request, no request for no payments, bad batch sizes refused before sending, a refused batch "
            "named with the decisions before it kept, and a batch answered out of order caught.")
