"""Crafted payments for lab 04's request-schema check (4.2): what the switch may send, and what must be refused."""

from __future__ import annotations

from upi_kit import story

RUPEE = "\u20b9"
MAX_AMOUNT_INR = 10_000_000  # ₹1 crore, as in upi_fraud.serving.contract (a test keeps them equal)



VALID_PAYMENT = {"txn_id": "T000123", "event_timestamp": "2025-09-01T10:15:00+05:30", "customer_id": "C000001",
                 "payee_id": "P000002", "device_id": "D000003", "amount_inr": 499.0, "channel": "qr",
                 "payee_type": "p2m", "merchant_category": "food", "device_os": "android", "app_version": "5.7.0",
                 "city_tier": 2}
_STRICT, _POSITIVE = "unless the field is strict (Field(strict=True))", "a payment moves money: the amount must be > 0"
_ZONE = "an ISO 8601 time with any zone is the same instant; accept every aware time"

#: Payments the service must answer: (what, changes to VALID_PAYMENT, why refusing it is wrong).
MUST_ACCEPT = [
    ("a valid payment", {}, "it is exactly what the switch sends"),
    ("a timestamp in UTC written with 'Z'", {"event_timestamp": "2025-09-01T04:45:00Z"}, _ZONE),
    ("a timestamp with the offset +00:00", {"event_timestamp": "2025-09-01T04:45:00+00:00"}, _ZONE),
    ("amount_inr = 500 (a whole number)", {"amount_inr": 500}, "JSON has one number type and a whole amount comes "
     "without a decimal point: a strict float takes an int (a strict int would refuse 499.5)"),
    ("device_os = null", {"device_os": None, "app_version": story.NULL_OS_INCIDENT.app_version},
     f"during the null-OS incident app {story.NULL_OS_INCIDENT.app_version} sends no OS; refusing it would stop "
     "payments instead of flagging them: allow None beside the known OS names"),
    (f"an amount of {RUPEE}6,60,000", {"amount_inr": 660_000.0}, f"in the paise week app "
     f"{story.PAISE_INCIDENT.app_version} sends amounts 100 times too large: absurd, but the service must still "
     f"answer (monitoring catches the drift); only amounts above {RUPEE}1 crore are impossible"),
]

#: Payments the service must refuse with an error naming the one field changed: (change, why accepting is wrong).
MUST_REFUSE = [
    ({"note": "gift"}, "a field the contract does not know means a wrong client; use "
     "model_config = ConfigDict(extra='forbid')"),
    ({"amount_inr": True}, f"JSON true is a bool, which pydantic turns into 1.0 {_STRICT}"),
    ({"amount_inr": "499"}, f"a client that sends the amount as text is broken, but pydantic parses it {_STRICT}"),
    ({"amount_inr": 0.0}, _POSITIVE),
    ({"amount_inr": -5.0}, _POSITIVE),
    ({"amount_inr": 2.0 * MAX_AMOUNT_INR}, f"no UPI payment reaches {RUPEE}1 crore (MAX_AMOUNT_INR, le=...)"),
    ({"channel": "upi"}, "the channels are 'intent', 'collect' and 'qr' only"),
    ({"payee_type": "P2M"}, "categories are case-sensitive: the model was trained on 'p2p' and 'p2m'"),
    ({"merchant_category": "crypto"}, "the model knows only the lab's merchant categories: refuse, do not guess"),
    ({"device_os": "windows"}, "the OS is 'android', 'ios' or null"),
    ({"event_timestamp": "2025-09-01T10:15:00"}, "a time without a zone: is 10:15 IST or UTC? Use AwareDatetime"),
    ({"event_timestamp": "1999-09-01T10:15:00+05:30"}, "UPI launched in 2016: refuse times before 2015 (a "
     "field_validator)"),
    ({"city_tier": 4}, "the city tiers are 1, 2 and 3"),
    ({"city_tier": 2.5}, "a tier is a whole number: 1, 2 or 3"),
    ({"txn_id": ""}, "an empty id names no payment: at least one character"),
    ({"customer_id": 12345}, "ids are strings (C000001): a number means the client built the JSON wrong"),
]
