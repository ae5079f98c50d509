"""The datasheet's machine-readable half: datasets/schema.json and datasets/preview.csv.

Both are committed so that a learner can read the data's shape without generating
it; a test regenerates them and fails when they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .. import story
from .dataset import DATA_VERSION, SIZES, UPIData
from .vocabulary import FRAUD_TYPE_CATEGORIES

#: Rows of the ci dataset shown in preview.csv.
PREVIEW_ROWS = 50

#: Unit and meaning of every column; schema.json adds the dtypes from a generated frame.
COLUMN_DOCS: dict[str, dict[str, tuple[str | None, str]]] = {
    "transactions": {
        "txn_id": (None, "Synthetic transaction id T000000001..., numbered in time order."),
        "event_timestamp": ("UTC", "When the payment happened (UTC-aware; the story's rhythms are in IST = UTC+05:30)."),
        "customer_id": (None, "The paying customer (customers.customer_id)."),
        "payee_id": (None, "Who was paid (payees.payee_id)."),
        "payee_type": (None, "p2p: a person; p2m: a merchant."),
        "merchant_category": (None, "The payee's category; 'p2p' for person-to-person payees."),
        "amount_inr": ("INR (rupees)", "Amount as the payer's app sent it, in rupees with paise as decimals (a data incident can break it)."),
        "ledger_amount_inr": ("INR (rupees)", "What the payment really was, from the bank's ledger (settled later): value fraud with it, never feed it to a model."),
        "channel": (None, "intent: the payer's app pays (link, checkout, contact); collect: the payee requested and the payer approved; qr: the payer scanned a QR code."),
        "device_id": (None, "The device the payment came from (devices.device_id)."),
        "device_os": (None, "The device's operating system as reported by the app; can be null (a data incident)."),
        "app_version": (None, "Version of the payer's app that sent the payment."),
        "customer_state": (None, "The customer's home state (customers.home_state)."),
        "city_tier": ("tier 1-3", "The customer's city tier: 1 metro, 2 mid-size city, 3 small town or rural."),
        "is_fraud": ("0/1", "Ground truth: 1 if the payment was fraud, whether or not it was ever reported."),
        "fraud_type": (None, "The typology of a fraud ('none' for legitimate payments)."),
        "label_available_at": ("UTC", "When the fraud report (complaint or chargeback) reached the bank; NaT for legitimate payments and for frauds never reported."),
    },
    "customers": {
        "customer_id": (None, "Synthetic customer id C000001..., numbered in order of account opening."),
        "home_state": (None, "State or union territory the customer lives in."),
        "city_tier": ("tier 1-3", "1 metro, 2 mid-size city, 3 small town or rural."),
        "age_band": ("years", "Age band of the account holder."),
        "kyc_level": (None, "minimum: small-value wallet-style KYC; full: full KYC."),
        "account_opened_at": ("UTC", "When the customer's account was opened (may be years before 2025)."),
        "usual_device_id": (None, "The device registered at 1 January 2025 (or at account opening); customers may change phones during the year."),
    },
    "payees": {
        "payee_id": (None, "Synthetic payee id P000001..., numbered in order of onboarding."),
        "payee_type": (None, "p2p: a person; p2m: a merchant."),
        "merchant_category": (None, "Merchant category; 'p2p' for people."),
        "merchant_state": (None, "State where the payee is registered (for a person, their home state)."),
        "onboarded_at": ("UTC", "When the payee's UPI id was created (a merchant onboarded, a person registered)."),
    },
    "devices": {
        "device_id": (None, "Synthetic device id D000001..., numbered in order of first sighting."),
        "device_os": (None, "Operating system (never null here: this is the true value)."),
        "first_seen_at": ("UTC", "When the device was first registered for UPI."),
    },
}



def _ci(data: UPIData | None) -> UPIData:
    """The ci dataset, generated unless given (imported here: the package imports this module)."""
    from . import generate

    return data if data is not None else generate("ci")


def schema(data: UPIData | None = None) -> dict:
    """The dataset's schema (every column: dtype, unit, meaning), as written to datasets/schema.json."""
    data = _ci(data)
    tables = {}
    for name, docs in COLUMN_DOCS.items():
        frame = getattr(data, name)
        if list(frame.columns) != list(docs):
            raise RuntimeError(f"COLUMN_DOCS for {name} does not match the generated columns {list(frame.columns)}.")
        cols = {}
        for col, (unit, meaning) in docs.items():
            entry: dict[str, str | list[str] | None] = {"dtype": str(frame[col].dtype), "unit": unit,
                                                        "meaning": meaning}
            if isinstance(frame[col].dtype, pd.CategoricalDtype) and not col.endswith("_id"):
                entry["categories"] = [str(c) for c in frame[col].cat.categories]
            cols[col] = entry
        tables[name] = {"columns": cols}
    return {
        "dataset": "Synthetic UPI payments in India, calendar year 2025, with fraud labels",
        "data_version": DATA_VERSION,
        "timezone": f"timestamps are UTC; the story is in IST ({story.TIMEZONE}, UTC+05:30)",
        "sizes": SIZES,
        "scenarios": story.SCENARIOS,
        "fraud_types": list(FRAUD_TYPE_CATEGORIES),
        "tables": tables,
    }


def preview_files(data: UPIData | None = None) -> dict[str, str]:
    """The text of datasets/preview.csv (first rows of the ci size) and datasets/schema.json."""
    data = _ci(data)
    return {
        "preview.csv": data.transactions.head(PREVIEW_ROWS).to_csv(index=False, lineterminator="\n"),
        "schema.json": json.dumps(schema(data), indent=2, ensure_ascii=False) + "\n",
    }


def write_preview(folder: str | Path) -> list[Path]:
    """Regenerate preview.csv and schema.json in `folder` (the course's datasets/, after changing the generator)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in preview_files().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written
