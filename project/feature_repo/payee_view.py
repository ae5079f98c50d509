"""The payee's feature view: who paid this payee in the last 24 hours (exercise 3.2, lab 03)."""

from __future__ import annotations

from datetime import timedelta

from feast import FeatureView, Field
from feast.types import Array, Float64, String

from state import payee, source


def payee_recent_view() -> FeatureView:
    """Who paid this payee in the last 24 hours, as of just after its latest payment."""
    ### BEGIN SOLUTION 3.2
    return FeatureView(
        name="payee_recent", entities=[payee], ttl=timedelta(days=1), source=source("payee_recent"),
        schema=[Field(name="payee_recent_ts", dtype=Array(Float64)), Field(name="payee_recent_payer", dtype=Array(String))],
        description="Who paid this payee in the last 24 hours, as of just after its latest payment.",
    )
    ### END SOLUTION
