"""What the payment switch sends for one UPI payment, and what the service refuses (exercise 4.2, lab 04).

The service validates every request against Payment before it reads a feature: a bad request gets a
400 that names the field, never a 500 and never a guess. The vocabulary is in contract.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from upi_fraud.serving.contract import (
    EARLIEST,
    LATEST,
    MAX_AMOUNT_INR,
    MIN_AMOUNT_INR,
    AppVersion,
    Channel,
    DeviceOS,
    Id,
    IsoTime,
    MerchantCategory,
    PayeeType,
)


class Payment(BaseModel):
    """One payment, as the app sends it. Unknown fields, wrong types and unknown categories are refused."""

    ### BEGIN SOLUTION 4.2
    model_config = ConfigDict(extra="forbid")

    txn_id: Id
    event_timestamp: IsoTime
    customer_id: Id
    payee_id: Id
    device_id: Id
    amount_inr: Annotated[float, Field(strict=True, ge=MIN_AMOUNT_INR, le=MAX_AMOUNT_INR, description="rupees")]
    channel: Channel
    payee_type: PayeeType
    merchant_category: MerchantCategory
    device_os: DeviceOS | None = Field(description="null when the app does not send it")
    app_version: AppVersion
    city_tier: Annotated[int, Field(strict=True, ge=1, le=3)]

    @field_validator("event_timestamp")
    @classmethod
    def plausible_time(cls, value: datetime) -> datetime:
        if not EARLIEST <= value < LATEST:
            raise ValueError(f"must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
        return value
    ### END SOLUTION
