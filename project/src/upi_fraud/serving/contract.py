"""The request contract's vocabulary: the categories, ranges and id format the payment switch may send.

Given in lab 04. The request schema (request_schema.Payment, yours), the data tests (lab 05) and the
service's own tests all take these from here, so the contract is written once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, StringConstraints, WithJsonSchema

Channel = Literal["intent", "collect", "qr"]
PayeeType = Literal["p2p", "p2m"]
MerchantCategory = Literal["p2p", "grocery", "food", "fashion", "electronics", "recharge", "utilities", "travel",
                           "gaming", "education", "fuel", "health"]
DeviceOS = Literal["android", "ios"]
CHANNELS: tuple[str, ...] = get_args(Channel)
PAYEE_TYPES: tuple[str, ...] = get_args(PayeeType)
MERCHANT_CATEGORIES: tuple[str, ...] = get_args(MerchantCategory)
DEVICE_OS: tuple[str, ...] = get_args(DeviceOS)
#: The smallest amount UPI can carry: one paisa.
MIN_AMOUNT_INR = 0.01
#: Above this the amount is absurd for UPI (₹1 crore); the paise week's ×100 amounts (up to ₹66 lakh) still pass.
MAX_AMOUNT_INR = 10_000_000
#: The most payments one /score_batch call takes.
MAX_BATCH = 1_000
EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)  # UPI launched in 2016
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

#: A customer, payee, device or payment id: 1-64 letters, digits, '_' or '-'.
Id = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9_-]{1,64}$")]
#: An app version like 5.7.0.
AppVersion = Annotated[str, StringConstraints(strict=True, pattern=r"^\d{1,3}\.\d{1,3}\.\d{1,3}$")]
#: The payment's time as the contract writes it: ISO 8601 with a zone, in UPI's years (the range plausible_time
#: enforces), on a real calendar day (29 February is left out: a subset the service accepts). The OpenAPI document
#: states it as a pattern, so a client, or a fuzzer, can write a valid time: the bare "date-time" format allows any
#: year and day, and a fuzzer's payments would almost all be refused before they reach the scoring path.
_DAY = r"((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
ISO_TIME = (r"^20(1[5-9]|[2-9][0-9])-" + _DAY + r"T([01][0-9]|2[0-3]):[0-5][0-9]"
            r"(:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$")
IsoTime = Annotated[AwareDatetime, WithJsonSchema({"type": "string", "pattern": ISO_TIME,
                                                   "description": "when the payment was made, ISO 8601 with its "
                                                                  "time zone, e.g. 2025-09-01T10:15:00+05:30"})]
