"""The feature repo's entities and the state tables it reads (given in lab 03).

The pipeline (upi_fraud.feature_pipeline) writes one parquet file per state table into data/.
Each row holds an entity's recent events as they were just after one of its payments, valid from
its event_timestamp, so a point-in-time join hands a payment only what happened before it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from feast import Entity, FeatureView, Field, FileSource, RequestSource, ValueType
from feast.types import Array, Float64

#: Absolute: DuckDB resolves a relative source path from the process's current folder, not from the repo.
DATA = Path(__file__).resolve().parent / "data"

customer = Entity(name="customer", join_keys=["customer_id"], value_type=ValueType.STRING)
payee = Entity(name="payee", join_keys=["payee_id"], value_type=ValueType.STRING)
device = Entity(name="device", join_keys=["device_id"], value_type=ValueType.STRING)


def source(name: str) -> FileSource:
    """A state table the pipeline wrote (data/<name>.parquet); each row is valid from its event_timestamp."""
    return FileSource(name=name, path=str(DATA / f"{name}.parquet"), timestamp_field="event_timestamp")


customer_recent = FeatureView(
    name="customer_recent", entities=[customer], ttl=timedelta(days=7), source=source("customer_recent"),
    schema=[Field(name="cust_recent_ts", dtype=Array(Float64)), Field(name="cust_recent_amount", dtype=Array(Float64))],
    description="The customer's payments of the last 7 days, as of just after their latest payment.",
)
customer_payee = FeatureView(
    name="customer_payee", entities=[customer, payee], ttl=None, source=source("customer_payee"),
    schema=[Field(name="first_payment_ts", dtype=Float64)],
    description="When this customer first paid this payee.",
)
device_first_seen = FeatureView(
    name="device_first_seen", entities=[device], ttl=None, source=source("device"),
    schema=[Field(name="first_seen_ts", dtype=Float64)],
    description="When the bank first saw this device.",
)
#: What only the live payment knows: its amount and its time.
payment = RequestSource(
    name="payment", schema=[Field(name="amount_inr", dtype=Float64), Field(name="txn_ts", dtype=Float64)],
)
