"""The data contract of one batch of payments, in pandera (exercise 5.1, lab 05).

What the model reads, column by column: its type, its range or its categories, whether it may be missing;
txn_id is unique. data_checks.py validates every weekly batch against it (lazy, so every failing row is
reported) and names the app versions that sent the failing rows.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from upi_fraud.serving.contract import CHANNELS, DEVICE_OS, MERCHANT_CATEGORIES, PAYEE_TYPES
from upi_kit import story

#: An app version is three numbers: 5.7.0.
APP_VERSION = r"^\d+\.\d+\.\d+$"

### BEGIN SOLUTION 5.1
SCHEMA = pa.DataFrameSchema(
    {
        "txn_id": pa.Column(str, unique=True),
        "event_timestamp": pa.Column(pd.DatetimeTZDtype(tz="UTC")),
        "customer_id": pa.Column(nullable=False),
        "payee_id": pa.Column(nullable=False),
        "device_id": pa.Column(nullable=False),
        "amount_inr": pa.Column(float, pa.Check.in_range(0.01, story.P2M_LIMIT_INR)),  # NPCI's per-payment limit
        "channel": pa.Column(checks=pa.Check.isin(CHANNELS)),
        "payee_type": pa.Column(checks=pa.Check.isin(PAYEE_TYPES)),
        "merchant_category": pa.Column(checks=pa.Check.isin(MERCHANT_CATEGORIES)),
        "device_os": pa.Column(checks=pa.Check.isin(DEVICE_OS), nullable=True),
        "app_version": pa.Column(checks=pa.Check.str_matches(APP_VERSION)),
        "city_tier": pa.Column(int, pa.Check.isin([1, 2, 3]), coerce=True),
    },
    strict=False,  # labels and other columns may ride along; the contract is what the model reads
    name="payment batch",
)
### END SOLUTION
