"""Exercise 5.5's faulty models and verdict, without running the learner's file (tests/course/
test_lab05_behaviour_bites.py runs it for real, with a champion): each fault changes one behaviour and is
undone afterwards; the verdict names the first behaviour no test catches, with what to add."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlops_course.checks import Wrong
from mlops_course.exercises import _lab05_behaviour as behaviour
from mlops_course.exercises._bite import Outcome, verdict

pytestmark = pytest.mark.unit


class _ReadsEverything:
    """A model whose score moves with the amount and with every takeover sign."""

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = np.clip(X["amount_inr"].to_numpy() / 100_000 + 0.3 * X["new_device"].to_numpy(), 0, 1)
        return np.column_stack([1 - p, p])


def _payments() -> pd.DataFrame:
    return pd.DataFrame({"amount_inr": [500.0, 20_000.0, 20_000.0, 20_000.0, 40_000.0],
                         "new_device": [0, 1, 1, 0, 1],
                         "channel": pd.Categorical(["qr", "intent", "intent", "intent", "collect"]),
                         "payee_type": pd.Categorical(["p2m", "p2p", "p2p", "p2p", "p2p"])})


def test_a_model_that_ignores_the_amount_scores_every_amount_alike():
    X = _payments()
    faulty = behaviour._Faulty(_ReadsEverything(), behaviour._ignores_the_amount)
    base = faulty.predict_proba(X)[:, 1]
    assert np.array_equal(faulty.predict_proba(X.assign(amount_inr=X["amount_inr"] * 5))[:, 1], base)
    assert not np.array_equal(_ReadsEverything().predict_proba(X.assign(amount_inr=X["amount_inr"] * 5))[:, 1],
                              _ReadsEverything().predict_proba(X)[:, 1])


def test_a_model_blind_to_takeovers_damps_only_large_intent_payments_to_a_person_from_a_new_device():
    X = _payments()
    real = _ReadsEverything().predict_proba(X)
    faulty = behaviour._Faulty(_ReadsEverything(), behaviour._blind_to_takeovers).predict_proba(X)
    takeover = np.array([False, True, True, False, False])  # row 3: no new device; row 4: not an intent payment
    assert np.allclose(faulty[takeover, 1], real[takeover, 1] * behaviour.TAKEOVER_DAMPING)
    assert np.array_equal(faulty[~takeover], real[~takeover]) and np.allclose(faulty.sum(axis=1), 1)


def test_a_faulty_model_is_the_champion_in_everything_else():
    model = _ReadsEverything()
    model.classes_ = np.array([0, 1])
    assert behaviour._Faulty(model, behaviour._ignores_the_amount).classes_ is model.classes_


def test_the_model_fault_wraps_what_the_registry_returns_and_is_undone(monkeypatch):
    import mlflow.sklearn

    monkeypatch.setattr(mlflow.sklearn, "load_model", lambda uri: _ReadsEverything())
    with behaviour._model(behaviour._ignores_the_amount):
        assert isinstance(mlflow.sklearn.load_model("models:/m/1"), behaviour._Faulty)
    assert isinstance(mlflow.sklearn.load_model("models:/m/1"), _ReadsEverything)


def test_inputs_that_read_the_id_move_when_customers_are_renamed_and_the_fault_is_undone(monkeypatch):
    from upi_fraud import features

    monkeypatch.setattr(features, "build_features", lambda tx, customers: tx[["amount_inr"]].copy())
    tx = pd.DataFrame({"customer_id": [f"C{i:04d}" for i in range(200)], "amount_inr": 100.0})
    renamed = tx.assign(customer_id=[f"R{i:07d}" for i in range(200)])
    with behaviour._inputs_read_the_id():
        before = features.build_features(tx, None)["amount_inr"]
        after = features.build_features(renamed, None)["amount_inr"]
    assert set(before) == {100.0, 300.0} and 0.3 < (before == 300.0).mean() < 0.7  # about half the customers
    assert (before != after).mean() > 0.3
    assert features.build_features(tx, None)["amount_inr"].eq(100.0).all()


def _outcome(fault: str, passed: int = 4, failed: int = 0, first: str = "") -> Outcome:
    return Outcome(fault, passed, failed, 0, 0, first)


def _biting(*missed: str) -> list[Outcome]:
    return [_outcome(name) if name in missed else _outcome(name, 3, 1, "x") for name in behaviour.FAULTS]


@pytest.mark.parametrize(("missed", "message"), [
    (("customer_id",), "your tests all pass with a model that reads the customer's id (its inputs change when a "
                       "customer is renamed): add a test that scores the same payments with every customer renamed"),
    (("takeover",), "a model that misses account takeovers (a new device sending a large intent payment to a "
                    "person): add a test that builds canonical takeover bursts (behaviour.takeover_bursts)"),
    (("amount", "takeover"), "a model that ignores the amount (it scores every payment as if it were ₹30,000) "
                             "(and 1 more such model(s)): add a test that multiplies the amount alone"),
])
def test_the_verdict_names_the_first_behaviour_no_test_catches(missed, message):
    with pytest.raises(Wrong, match=re.escape(message)):
        verdict([_outcome(""), *_biting(*missed)], Path("test_behaviour.py"), behaviour.VERDICT)


def test_tests_that_catch_every_fault_are_right():
    assert verdict([_outcome(""), *_biting()], Path("test_behaviour.py"), behaviour.VERDICT) == (
        "Right: your 4 tests pass on the reference project, with the workspace's champion, and fail for each of 3 "
        "models that each get one behaviour wrong (amount, customer_id, takeover).")


def test_a_test_failing_with_the_champion_is_named():
    with pytest.raises(Wrong, match=re.escape("on the reference project, with the workspace's champion, a test "
                                              "fails: test_x: AssertionError. A test must pass on correct code.")):
        verdict([_outcome("", 3, 1, "test_x: AssertionError"), *_biting()], Path("test_behaviour.py"),
                behaviour.VERDICT)
