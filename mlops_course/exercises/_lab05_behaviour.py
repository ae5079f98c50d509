"""Exercise 5.5: the behavioural tests of the model, checked by running them (see _bite.py).

The learner's tests/test_behaviour.py runs on the reference project with the workspace's champion (every test
must pass), then once per model that gets one behaviour wrong (some test must fail for each). Each faulty
model is the champion with one change, so everything else it does stays right: a test that fails for it fails
for the behaviour, not for chance.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from ..checks import exercise
from ._bite import Faults, judge

#: The amount every payment gets in the eyes of a model that ignores it: a large one, so that account takeovers
#: (₹15,000 to ₹60,000) still alert and only a test that changes the amount alone can tell.
TYPICAL_AMOUNT_INR = 30_000.0
#: What a model blind to account takeovers does to their scores: a tenth, far under any threshold.
TAKEOVER_DAMPING = 0.1
#: Seconds the whole run may take: the reference and three faults, each loading the champion and the data.
TIMEOUT = 300


class _Faulty:
    """The champion with one behaviour changed: predict_proba goes through `change`, everything else is its own."""

    def __init__(self, model: Any, change: Callable[[Any, pd.DataFrame], np.ndarray]) -> None:
        self._model, self._change = model, change

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self._change(self._model, X)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def _ignores_the_amount(model: Any, X: pd.DataFrame) -> np.ndarray:
    return np.asarray(model.predict_proba(X.assign(amount_inr=TYPICAL_AMOUNT_INR)))


def _blind_to_takeovers(model: Any, X: pd.DataFrame) -> np.ndarray:
    """A takeover looks like this: a new device sending a large intent payment to a person."""
    proba = np.asarray(model.predict_proba(X), float).copy()
    takeover = ((X["new_device"] == 1) & (X["channel"].astype(str) == "intent")
                & (X["payee_type"].astype(str) == "p2p") & (X["amount_inr"] >= 15_000)).to_numpy()
    proba[takeover, 1] *= TAKEOVER_DAMPING
    proba[takeover, 0] = 1 - proba[takeover, 1]
    return proba


@contextmanager
def _model(change: Callable[[Any, pd.DataFrame], np.ndarray]) -> Iterator[None]:
    """Every model the tests load from the registry (mlflow.sklearn.load_model) comes back with the change."""
    import mlflow.sklearn

    load = mlflow.sklearn.load_model
    mlflow.sklearn.load_model = lambda *args, **kwargs: _Faulty(load(*args, **kwargs), change)
    try:
        yield
    finally:
        mlflow.sklearn.load_model = load


@contextmanager
def _inputs_read_the_id() -> Iterator[None]:
    """The model's inputs depend on the customer's id: half the customers (by a hash of the id) have their
    amounts tripled, as a feature built from an id-keyed table would. Renaming customers moves them."""
    features = importlib.import_module("upi_fraud.features")
    build = features.build_features

    def leaky(transactions: pd.DataFrame, *args: Any, **kwargs: Any) -> pd.DataFrame:
        X = build(transactions, *args, **kwargs)
        odd = pd.util.hash_array(transactions["customer_id"].astype(str).to_numpy()) % 2 == 1
        return X.assign(amount_inr=np.where(odd, X["amount_inr"] * 3, X["amount_inr"]))

    features.build_features = leaky
    try:
        yield
    finally:
        features.build_features = build


#: {fault: (what the faulty model does, after "a model that"), what to add}.
MISSES: dict[str, tuple[str, str]] = {
    "amount": ("ignores the amount (it scores every payment as if it were ₹30,000)",
               "add a test that multiplies the amount alone, on many payments, and demands that the score rises "
               "for a share of them (the riskier twin changes four things at once, so it cannot say which one the "
               "model ignores)."),
    "customer_id": ("reads the customer's id (its inputs change when a customer is renamed)",
                    "add a test that scores the same payments with every customer renamed (behaviour.Renamed) and "
                    "demands the same scores."),
    "takeover": ("misses account takeovers (a new device sending a large intent payment to a person)",
                 "add a test that builds canonical takeover bursts (behaviour.takeover_bursts) and demands that "
                 "most of them reach the threshold."),
}
FAULTS: dict[str, Callable[[], Any]] = {
    "amount": lambda: _model(_ignores_the_amount),
    "customer_id": _inputs_read_the_id,
    "takeover": lambda: _model(_blind_to_takeovers),
}
VERDICT = Faults("5.5", "model", "on the reference project, with the workspace's champion",
                 {name: what for name, (what, _) in MISSES.items()},
                 {name: advice for name, (_, advice) in MISSES.items()},
                 "models that each get one behaviour wrong")


@exercise(
    "5.5",
    "behavioural tests of the model",
    hint=(
        "Each test takes many payments from the fixture frame (frame.X holds their model inputs; legit_sample "
        "picks legitimate ones), changes one thing, and demands a share: "
        "`share = float(np.mean(after > before))`, then `assert share >= AMOUNT_SHARE, \"...\"`.",
        "Amount: scores of sample.assign(amount_inr=sample[\"amount_inr\"] * behaviour.AMOUNT_FACTOR) against the "
        "sample's. Renaming: features.model_inputs(behaviour.Renamed(upi), under_test.feature_set) holds every "
        "payment's inputs with customers renamed; compare the scores of the same rows (.loc) with np.isclose. "
        "Takeovers: behaviour.takeover_bursts(frame.X.loc[frame.part.index], n=200), scored against "
        "frame.threshold.",
        "The check runs your file with the champion (all must pass) and with three models that each get one "
        "behaviour wrong: one ignores the amount, one reads the customer's id, one misses takeovers. Some test "
        "must fail for each, and each test should change one thing only.",
    ),
)
def behaviour_tests(path: Any) -> str:
    return judge(path, "_lab05_behaviour", VERDICT, timeout=TIMEOUT)
