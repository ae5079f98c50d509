"""Reference data the bank's systems of record keep current (given in lab 04): not events, so nothing is windowed.

The KYC profile names each customer's registered (usual) device; lab 02's new_device feature compares a
payment's device with it. The device registry (device_first_seen, lab 03) is the same kind of table.
Both are loaded whole: a device bound after a payment has no age at that payment (the on-demand view's
age >= 0 guard), and the registered device never changes in this data, so neither looks into the future.
"""

from __future__ import annotations

from feast import FeatureView, Field, FileSource
from feast.types import String

from state import DATA, customer

customer_profile = FeatureView(
    name="customer_profile", entities=[customer], ttl=None,
    source=FileSource(name="customer_profile", path=str(DATA / "customer_profile.parquet"),
                      timestamp_field="event_timestamp"),
    schema=[Field(name="usual_device_id", dtype=String)],
    description="The customer's registered device, from the KYC profile.",
)
