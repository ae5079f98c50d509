"""The directional test: a riskier twin of a payment must score higher (exercise 5.4, lab 05).

The twin gets a new device, a night hour, five times the amount and a new payee (behaviour.RISKIER and
AMOUNT_FACTOR). One riskier case proves nothing about a model; the share of many generated twins that
score strictly higher does. tests/test_behaviour.py demands at least 90%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from upi_fraud.validation.behaviour import AMOUNT_FACTOR, RISKIER, Predict


def direction_share(predict: Predict, X: pd.DataFrame) -> float:
    """The share of rows whose riskier twin scores strictly higher (predict: model inputs -> scores)."""
    ### BEGIN SOLUTION 5.4
    twin = X.copy()
    for column, value in RISKIER.items():
        if column in twin:
            twin[column] = value
    for column in ("amount_inr", "amount_vs_7d_avg"):
        if column in twin:
            twin[column] = twin[column] * AMOUNT_FACTOR
    before, after = np.asarray(predict(X), float), np.asarray(predict(twin), float)
    return float(np.mean(after > before))
    ### END SOLUTION
