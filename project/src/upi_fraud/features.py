"""The model's inputs and labels, by feature set (lab 02; lab 03 adds v2).

Used by the notebooks, train.py, the service and the tests, so that all of them compute the same
thing. A registered model records its feature set (version tag `feature_set`); loading code calls
model_inputs(upi, that set), so a model whose inputs changed is never fed the old ones.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from upi_kit import story

CATEGORICAL = ["channel", "payee_type", "merchant_category", "device_os"]
NUMERIC = ["amount_inr", "hour_ist", "day_of_week", "city_tier", "new_device"]
FEATURES = CATEGORICAL + NUMERIC  # feature set v1: what one payment says on its own
FEATURE_SETS = ("v1", "v2")
FEATURE_SERVICES = {"v2": "fraud_detection_v2"}  # lab 03: the feature store's name for a set
#: Training may learn only from the frauds reported before the end of the training period (IST).
TRAINING_CUTOFF = pd.Timestamp(story.TRAIN_END, tz=story.TIMEZONE) + pd.Timedelta(days=1)


class Payments(Protocol):
    """What features are computed from: upi_kit's dataset, or any object with the same three tables."""

    @property
    def transactions(self) -> pd.DataFrame: ...

    @property
    def customers(self) -> pd.DataFrame: ...

    @property
    def devices(self) -> pd.DataFrame: ...


def build_features(tx: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Feature set v1, one row per payment, with plain dtypes (str, float, int)."""
    ist = tx["event_timestamp"].dt.tz_convert(story.TIMEZONE)
    usual_device = customers.set_index(customers["customer_id"].astype(str))["usual_device_id"].astype(str)
    usual = tx["customer_id"].astype(str).map(usual_device)
    out = pd.DataFrame({
        "channel": tx["channel"].astype(str),
        "payee_type": tx["payee_type"].astype(str),
        "merchant_category": tx["merchant_category"].astype(str),
        "device_os": tx["device_os"].astype(object).where(tx["device_os"].notna(), "unknown").astype(str),
        "amount_inr": tx["amount_inr"].astype(float),
        "hour_ist": ist.dt.hour.astype(int),
        "day_of_week": ist.dt.dayofweek.astype(int),
        "city_tier": tx["city_tier"].astype(int),
        "new_device": (tx["device_id"].astype(str) != usual).astype(int),
    }, index=tx.index)
    return out[FEATURES]


def feature_list(feature_set: str = "v1") -> list[str]:
    """The names of a feature set's inputs, in the order the model takes them."""
    if feature_set == "v1":
        return list(FEATURES)
    if feature_set == "v2":
        from upi_fraud import feature_pipeline  # lab 03: behaviour over time, point-in-time

        return FEATURES + list(feature_pipeline.FEATURES)
    raise ValueError(f"unknown feature set {feature_set!r}: this project has {', '.join(FEATURE_SETS)}")


def model_inputs(upi: Payments, feature_set: str = "v1") -> pd.DataFrame:
    """Every payment's inputs for a feature set, indexed like upi.transactions (pick rows with .loc).

    v2's windows look back over each payment's history, so they are computed over all payments.
    """
    names = feature_list(feature_set)
    X = build_features(upi.transactions, upi.customers)
    if feature_set == "v2":
        from upi_fraud import feature_pipeline

        X = pd.concat([X, feature_pipeline.point_in_time_features(upi.transactions, upi.devices)], axis=1)
    return X[names]


def labels_known_at(part: pd.DataFrame, cutoff: pd.Timestamp = TRAINING_CUTOFF) -> pd.Series:
    """1 for a fraud reported before `cutoff`, else 0: a fraud reported later (or never) looks legitimate then."""
    known = part["is_fraud"].astype(bool) & (part["label_available_at"] < cutoff)
    return known.astype(int).rename("is_fraud_known")
