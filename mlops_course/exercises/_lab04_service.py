"""Crafted stand-ins for lab 04's service check (4.4): the runtime a FraudService stands on, recording each call.

The learner's FraudService derives from runtime.ServiceRuntime, whose four steps (bundle_at, wait_for_writes,
read_features, remember) reach the registry, the online store and the write-behind. The check builds the class
without its __init__ and puts a Recorder's steps in their place: the scoring endpoints then run on crafted
payments in microseconds, and the recording shows what the learner's code did, in which order, how often.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._lab04_cases import VALID_PAYMENT

#: The crafted model's inputs; its score is amount_inr / 10,000 (capped), so a ₹9,000 payment alerts at 0.5.
INPUTS = ("amount_inr", "hour_ist")
THRESHOLD = 0.5
MAX_BATCH = 1_000  # as in upi_fraud.serving.contract (a test keeps them equal)


class AmountEncoder:
    """Scores a payment by its amount alone: deterministic, and every reason is the amount."""

    def scores(self, columns: dict[str, Any]) -> np.ndarray:
        return np.minimum(np.asarray(columns["amount_inr"], dtype=float) / 10_000, 0.99)


@dataclass(frozen=True)
class CraftedBundle:
    """What scoring.decide reads of a bundle; each bundle_at call hands out a new version."""

    version: str
    threshold: float = THRESHOLD
    model_name: str = "crafted"
    feature_set: str = "v1"
    inputs: tuple[str, ...] = INPUTS
    typical: dict[str, Any] = field(default_factory=lambda: {"amount_inr": 500.0, "hour_ist": 12})
    encoder: AmountEncoder = field(default_factory=AmountEncoder)


def payments(amounts: list[float], payment_model: Any) -> list[Any]:
    """Validated payments (the learner's service receives Payment instances), one a minute from 10:15 IST."""
    start = pd.Timestamp(VALID_PAYMENT["event_timestamp"])
    out = []
    for i, amount in enumerate(amounts):
        raw = {**copy.deepcopy(VALID_PAYMENT), "txn_id": f"T9{i:05d}", "amount_inr": float(amount),
               "customer_id": f"C9{i:05d}", "event_timestamp": (start + pd.Timedelta(minutes=i)).isoformat()}
        out.append(payment_model.model_validate(raw))
    return out


class Recorder:
    """The runtime's four steps, recording every call as (step, detail) in `calls`."""

    def __init__(self, fresh: bool = True) -> None:
        self.fresh = fresh
        self.calls: list[tuple[str, Any]] = []
        self.bundles: list[CraftedBundle] = []
        self.remembered: list[tuple[list[dict[str, Any]], list[dict[str, Any]], Any]] = []

    def steps(self) -> list[str]:
        return [step for step, _ in self.calls]

    def bundle_at(self, when: Any) -> CraftedBundle:
        bundle = CraftedBundle(version=str(7 + len(self.bundles)))
        self.bundles.append(bundle)
        self.calls.append(("bundle_at", when))
        return bundle

    def wait_for_writes(self, rows: Any) -> bool:
        self.calls.append(("wait_for_writes", [r["txn_id"] for r in rows] if isinstance(rows, list) else rows))
        return self.fresh

    def read_features(self, rows: Any, inputs: Any) -> dict[str, list[Any]]:
        self.calls.append(("read_features", tuple(inputs)))
        hours = [(pd.Timestamp(r["event_timestamp"]).tz_convert("Asia/Kolkata").hour) for r in rows]
        return {"amount_inr": [float(r["amount_inr"]) for r in rows], "hour_ist": hours}

    def remember(self, rows: Any, decisions: Any, started: Any = None) -> None:
        self.calls.append(("remember", None))
        self.remembered.append((rows, decisions, started))

    def install(self, service_instance: Any) -> None:
        """Put the recorder's steps in place of the runtime's on one instance of the learner's class."""
        for name in ("bundle_at", "wait_for_writes", "read_features", "remember"):
            setattr(service_instance, name, getattr(self, name))


def run_endpoint(func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an endpoint as BentoML would: await it when it is `async def`, on a fresh event loop.

    A notebook's kernel already runs an event loop, where asyncio.run refuses to start another: then the coroutine
    runs on its own loop in a helper thread, and its result (or its exception) comes back here.
    """
    import asyncio
    import inspect
    import threading

    result = func(*args, **kwargs)
    if not inspect.isawaitable(result):
        return result
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_awaited(result))
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = asyncio.run(_awaited(result))
        except BaseException as err:  # handed back to the caller's thread below
            box["error"] = err

    thread = threading.Thread(target=run, name="check-4.4")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
