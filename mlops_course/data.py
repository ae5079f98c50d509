"""The course dataset: one simulated year (2025) of UPI payments in India, with fraud.

Every lab uses the same synthetic world, so this module generates it
deterministically from a seed (bit for bit: vectorised numpy, one
``numpy.random.default_rng`` stream per part of the story) and caches it as
parquet under ``workspace.data_cache_dir()``. The story's dates live in
:mod:`mlops_course.story`; the datasheet is ``datasets/README.md``.

Entry points::

    from mlops_course import data
    upi = data.load("ci")            # cached: generated once, then read from parquet
    upi.transactions, upi.customers, upi.payees, upi.devices, upi.digest

Design choices a learner will meet:

* Timestamps are UTC-aware (``datetime64[ns, UTC]``); the story's rhythms are in
  IST (UTC+05:30): convert with ``.dt.tz_convert("Asia/Kolkata")``.
* ``is_fraud`` is the ground truth. ``label_available_at`` is when the bank
  learns of a fraud (a complaint or chargeback, days to weeks later); it is NaT
  for legitimate payments and for frauds that are never reported. What the bank
  knows at time T is ``label_available_at <= T``.
* ``merchant_category`` is ``"p2p"`` (not null) for person-to-person payments.
* Identifiers are synthetic (``C000123``, ``P000045``, ``D000777``,
  ``T000000001``), numbered in order of account opening, onboarding, first
  sighting and time: no real VPA, phone number or name appears anywhere.
* Low-cardinality text columns and the id columns of ``transactions`` are
  pandas categoricals (memory); call ``.astype(str)`` if a tool wants plain text.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from . import story, workspace

#: Bump when the generator's output changes: it is part of the cache key.
DATA_VERSION = "2"
#: Named sizes (number of transactions). Any other size: ``n_transactions=<int>``.
SIZES: dict[str, int] = {"ci": 20_000, "default": 300_000, "large": 3_000_000}
#: Smallest accepted ``n_transactions`` (below it the fraud typologies cannot all appear).
MIN_TRANSACTIONS = 1_000
#: Scenario names (all on by default); see ``story.SCENARIOS`` for what each does.
SCENARIOS: tuple[str, ...] = tuple(story.SCENARIOS)
#: Values of ``fraud_type``; legitimate payments are ``"none"``.
FRAUD_TYPES: tuple[str, ...] = ("none", *story.FRAUD_TYPES)
CHANNELS: tuple[str, ...] = ("intent", "collect", "qr")
PAYEE_TYPES: tuple[str, ...] = ("p2p", "p2m")
#: ``merchant_category`` values; ``"p2p"`` marks person-to-person payees.
MERCHANT_CATEGORIES: tuple[str, ...] = (
    "p2p", "grocery", "food", "fashion", "electronics", "recharge",
    "utilities", "travel", "gaming", "education", "fuel", "health",
)
AGE_BANDS: tuple[str, ...] = ("18-25", "26-35", "36-45", "46-60", "60+")
KYC_LEVELS: tuple[str, ...] = ("minimum", "full")
DEVICE_OS: tuple[str, ...] = ("android", "ios")
APP_VERSIONS: tuple[str, ...] = tuple(v for v, _ in story.APP_RELEASES)
#: States and union territories with a rough population weight (millions).
STATES: tuple[tuple[str, float], ...] = (
    ("Uttar Pradesh", 240), ("Bihar", 128), ("Maharashtra", 126), ("West Bengal", 100),
    ("Madhya Pradesh", 87), ("Rajasthan", 81), ("Tamil Nadu", 77), ("Gujarat", 71),
    ("Karnataka", 68), ("Andhra Pradesh", 53), ("Odisha", 46), ("Jharkhand", 40),
    ("Telangana", 38), ("Kerala", 35), ("Assam", 35), ("Punjab", 31), ("Chhattisgarh", 30),
    ("Haryana", 30), ("Delhi", 21), ("Jammu and Kashmir", 14), ("Uttarakhand", 12),
    ("Himachal Pradesh", 7.5), ("Tripura", 4), ("Meghalaya", 3.5), ("Manipur", 3.2),
    ("Nagaland", 2.2), ("Goa", 1.6), ("Arunachal Pradesh", 1.6), ("Puducherry", 1.6),
    ("Mizoram", 1.2), ("Chandigarh", 1.2), ("Sikkim", 0.7),
)
STATE_NAMES: tuple[str, ...] = tuple(s for s, _ in STATES)

#: Share of all rows per fraud typology (before rounding to whole incidents); ~0.67% in all.
FRAUD_RATES: dict[str, float] = {
    "account_takeover": 0.0017, "collect_scam": 0.0016, "qr_scam": 0.0012,
    "mule_account": 0.0015, "new_scam": 0.0007,
}

# --- Internal constants of the simulation --------------------------------------------

_DAY = 86_400
_N_DAYS = (story.LAST_DAY - story.FIRST_DAY).days + 1
_YEAR_END = _N_DAYS * _DAY  # seconds since 2025-01-01 00:00 IST
_IST = timezone(story.IST_OFFSET)
#: UTC epoch seconds of 2025-01-01 00:00 IST: internal times are seconds since then.
_EPOCH = int(datetime(story.YEAR, 1, 1, tzinfo=_IST).timestamp())
_MCAT = {c: i for i, c in enumerate(MERCHANT_CATEGORIES)}
_N_MCAT = len(MERCHANT_CATEGORIES) - 1  # merchant categories, without "p2p"
# Share of merchant payments per category (grocery ... health), and of merchants.
_CATEGORY_MIX = np.array([0.24, 0.18, 0.07, 0.04, 0.08, 0.07, 0.05, 0.04, 0.03, 0.10, 0.10])
_MERCHANT_MIX = np.array([0.24, 0.22, 0.10, 0.05, 0.01, 0.02, 0.06, 0.03, 0.06, 0.09, 0.12])
_WEEKEND_CATEGORY = {"food": 1.3, "fashion": 1.25, "travel": 1.2, "education": 0.6, "utilities": 0.8}
# Median amount (rupees) and log-normal spread per category, "p2p" first.
_AMOUNT_MEDIAN = np.array([700, 420, 320, 1300, 3800, 300, 1250, 2300, 220, 5200, 700, 550], float)
_AMOUNT_SIGMA = np.array([1.05, 0.8, 0.6, 0.75, 0.95, 0.5, 0.65, 0.9, 1.0, 0.85, 0.5, 0.85])
# Share of merchant payments through an intent (online checkout) rather than a QR code.
_INTENT_SHARE = np.array([0.0, 0.15, 0.35, 0.45, 0.7, 0.92, 0.88, 0.8, 0.93, 0.55, 0.05, 0.3])
_RECHARGE_PLANS = np.array([19, 49, 155, 199, 239, 299, 349, 399, 449, 579, 666, 719, 859, 999, 1799, 3599], float)
_RECHARGE_WEIGHTS = np.array([2, 3, 4, 8, 8, 12, 10, 9, 6, 5, 5, 6, 4, 4, 2, 2], float)
_ROUND_AMOUNTS = np.array([499, 999, 1000, 1999, 2000, 2500, 4999, 5000, 7500, 9999, 10000, 15000, 20000, 25000], float)
_ROUND_WEIGHTS = np.array([4, 6, 8, 6, 8, 5, 6, 8, 3, 5, 6, 3, 3, 2], float)
_TIER_AMOUNT = np.array([0.0, 1.25, 1.0, 0.8])  # index by city tier 1..3
_P2P_CAP, _P2M_CAP = 100_000.0, 200_000.0  # NPCI per-transaction limits (rupees)
# Who falls for what: weights by age band and city tier (victims are chosen by these).
_VICTIM_AGE = {
    "account_takeover": (0.8, 1.0, 1.1, 1.2, 1.3), "collect_scam": (0.7, 0.8, 1.0, 1.6, 2.2),
    "qr_scam": (1.3, 1.2, 1.0, 0.8, 0.6), "mule_account": (1.5, 1.3, 0.9, 0.7, 0.5),
    "new_scam": (0.5, 0.7, 1.0, 1.8, 2.6),
}
_VICTIM_TIER = {
    "account_takeover": (1.2, 1.0, 0.9), "collect_scam": (0.8, 1.0, 1.3), "qr_scam": (1.2, 1.1, 0.8),
    "mule_account": (0.9, 1.1, 1.2), "new_scam": (1.0, 1.0, 1.0),
}
# Reporting: probability a victim ever reports, and median delay in days (log-normal, sigma 0.8).
_REPORT = {
    "account_takeover": (0.92, 2.0), "collect_scam": (0.80, 6.0), "qr_scam": (0.60, 12.0),
    "mule_in": (0.70, 18.0), "mule_out": (0.50, 30.0), "new_scam": (0.75, 5.0),
}
_STREAMS = ("entities", "legit", "filler", *story.FRAUD_TYPES, "labels")


@dataclass(frozen=True, eq=False)
class UPIData:
    """One generated dataset: four tables and a content digest of the transactions (compare digests, not objects)."""

    transactions: pd.DataFrame
    customers: pd.DataFrame
    payees: pd.DataFrame
    devices: pd.DataFrame
    digest: str
    seed: int
    n_transactions: int
    scenarios: tuple[str, ...]

    @property
    def key(self) -> str:
        """The cache folder name: size, seed, scenarios and generator version."""
        return cache_key(self.n_transactions, self.seed, self.scenarios)


# --- Public API ----------------------------------------------------------------------


def resolve_size(size: str | int | None = "default", n_transactions: int | None = None) -> int:
    """Number of transactions for a size name or an explicit count; ValueError if neither is valid."""
    names = ", ".join(SIZES)
    if n_transactions is None and isinstance(size, int | np.integer) and not isinstance(size, bool):
        n_transactions = int(size)
    if n_transactions is not None:
        ok = isinstance(n_transactions, int | np.integer) and not isinstance(n_transactions, bool)
        if not ok or n_transactions < MIN_TRANSACTIONS:
            raise ValueError(
                f"n_transactions must be a whole number of at least {MIN_TRANSACTIONS} "
                f"(got {n_transactions!r}); or pass size= one of {names}."
            )
        return int(n_transactions)
    if isinstance(size, str) and size in SIZES:
        return SIZES[size]
    raise ValueError(
        f"Unknown size {size!r}: choose one of {names}, "
        f"or pass n_transactions=<whole number of at least {MIN_TRANSACTIONS}>."
    )


def resolve_scenarios(scenarios: Iterable[str] | str | None = None) -> tuple[str, ...]:
    """The scenarios switched on, in canonical order: None means all, () means none."""
    if scenarios is None:
        return SCENARIOS
    wanted = [scenarios] if isinstance(scenarios, str) else list(scenarios)
    for name in wanted:
        if name not in SCENARIOS:
            raise ValueError(
                f"Unknown scenario {name!r}: choose from {', '.join(SCENARIOS)} "
                "(scenarios=None turns all on, scenarios=() turns all off)."
            )
    return tuple(s for s in SCENARIOS if s in wanted)


def _check_seed(seed: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0 (got {seed!r}).")


def cache_key(n_transactions: int, seed: int, scenarios: Iterable[str]) -> str:
    """Folder name of a cached dataset, e.g. ``n20000-seed42-all-v1``."""
    scen = tuple(scenarios)
    tag = "all" if scen == SCENARIOS else ("none" if not scen else "+".join(scen))
    return f"n{n_transactions}-seed{seed}-{tag}-v{DATA_VERSION}"


def dataset_digest(df: pd.DataFrame) -> str:
    """A short, stable content hash of a frame (column names, dtypes, values, row order).

    Uses ``pandas.util.hash_pandas_object`` column by column, so it depends on
    the values and not on how they are stored (a categorical hashes like its
    values). Two frames with the same digest hold the same data.
    """
    h = hashlib.sha256()
    h.update(f"rows={len(df)}".encode())
    for col in df.columns:
        s = df[col]
        h.update(f"|{col}:{s.dtype}|".encode())
        h.update(pd.util.hash_pandas_object(s, index=False, categorize=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def generate(
    size: str | int | None = "default",
    seed: int = 42,
    scenarios: Iterable[str] | str | None = None,
    n_transactions: int | None = None,
) -> UPIData:
    """Generate the dataset in memory (no cache). Same arguments, same data, bit for bit."""
    n = resolve_size(size, n_transactions)
    scen = resolve_scenarios(scenarios)
    _check_seed(seed)
    tables = _Generator(n, int(seed), scen).run()
    return UPIData(*tables, digest=dataset_digest(tables[0]), seed=int(seed), n_transactions=n, scenarios=scen)


def load(
    size: str | int | None = "default",
    seed: int = 42,
    scenarios: Iterable[str] | str | None = None,
    n_transactions: int | None = None,
) -> UPIData:
    """The dataset, from the parquet cache if it is there, else generated and cached.

    The cache folder is ``workspace.data_cache_dir() / cache_key(...)``. It is
    written to a temporary folder and renamed into place, so two processes
    loading at once are safe (the loser of the race reads the winner's copy).
    A cache whose digest does not match its content is regenerated.
    """
    n = resolve_size(size, n_transactions)
    scen = resolve_scenarios(scenarios)
    _check_seed(seed)
    seed = int(seed)
    folder = workspace.data_cache_dir() / cache_key(n, seed, scen)
    cached = _read_cache(folder, seed, n, scen)
    if cached is not None:
        return cached
    data = generate(n_transactions=n, seed=seed, scenarios=scen)
    _write_cache(folder, data)
    return data


# --- Cache -----------------------------------------------------------------------------

_TABLES = ("transactions", "customers", "payees", "devices")


def _read_cache(folder: Path, seed: int, n: int, scen: tuple[str, ...]) -> UPIData | None:
    """The cached dataset, or None if it is missing, unreadable or does not match its digest."""
    meta = _read_meta(folder)
    if meta is None:
        return None
    try:
        frames = [pd.read_parquet(folder / f"{t}.parquet") for t in _TABLES]
    except (OSError, ValueError):
        return None
    digest = dataset_digest(frames[0])
    if digest != meta.get("digest"):
        return None
    return UPIData(*frames, digest=digest, seed=seed, n_transactions=n, scenarios=scen)


def _read_meta(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        return None


def _write_cache(folder: Path, data: UPIData) -> None:
    """Write to a private temporary folder, then rename it into place (atomic on one file system)."""
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        for name in _TABLES:
            getattr(data, name).to_parquet(tmp / f"{name}.parquet", index=False)
        meta = {
            "digest": data.digest, "seed": data.seed, "n_transactions": data.n_transactions,
            "scenarios": list(data.scenarios), "data_version": DATA_VERSION,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=2))
        for _attempt in range(3):
            existing = _read_meta(folder)
            if existing is not None and existing.get("digest") == data.digest:
                return  # another process got there first with the same data
            if folder.exists():  # a broken copy: move it aside, then replace it
                stale = folder.parent / f".{folder.name}.stale-{uuid.uuid4().hex[:8]}"
                try:
                    os.rename(folder, stale)
                    shutil.rmtree(stale, ignore_errors=True)
                except OSError:
                    continue
            try:
                os.rename(tmp, folder)
                return
            except OSError:
                continue  # lost a race: look again
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- Datasheet helpers: schema.json and preview.csv -------------------------------------

#: Unit and meaning of every column; schema.json adds the dtypes from a generated frame.
COLUMN_DOCS: dict[str, dict[str, tuple[str | None, str]]] = {
    "transactions": {
        "txn_id": (None, "Synthetic transaction id T000000001..., numbered in time order."),
        "event_timestamp": ("UTC", "When the payment happened (UTC-aware; the story's rhythms are in IST = UTC+05:30)."),
        "customer_id": (None, "The paying customer (customers.customer_id)."),
        "payee_id": (None, "Who was paid (payees.payee_id)."),
        "payee_type": (None, "p2p: a person; p2m: a merchant."),
        "merchant_category": (None, "The payee's category; 'p2p' for person-to-person payees."),
        "amount_inr": ("INR (rupees)", "Amount paid, in rupees with paise as decimals."),
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


def schema(data: UPIData | None = None) -> dict:
    """The dataset's schema (every column: dtype, unit, meaning), as written to datasets/schema.json."""
    data = data if data is not None else generate("ci")
    tables = {}
    for name, docs in COLUMN_DOCS.items():
        frame = getattr(data, name)
        if list(frame.columns) != list(docs):
            raise RuntimeError(f"COLUMN_DOCS for {name} does not match the generated columns {list(frame.columns)}.")
        cols = {}
        for col, (unit, meaning) in docs.items():
            entry = {"dtype": str(frame[col].dtype), "unit": unit, "meaning": meaning}
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
        "fraud_types": list(FRAUD_TYPES),
        "tables": tables,
    }


def preview_files(data: UPIData | None = None) -> dict[str, str]:
    """The text of datasets/preview.csv (first 50 rows of the ci size) and datasets/schema.json."""
    data = data if data is not None else generate("ci")
    return {
        "preview.csv": data.transactions.head(50).to_csv(index=False, lineterminator="\n"),
        "schema.json": json.dumps(schema(data), indent=2, ensure_ascii=False) + "\n",
    }


def write_preview(folder: str | Path | None = None) -> list[Path]:
    """Regenerate datasets/preview.csv and datasets/schema.json (run after changing the generator)."""
    folder = Path(folder) if folder is not None else workspace.course_root() / "datasets"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in preview_files().items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


# --- The generator ---------------------------------------------------------------------


def _sec(d: date) -> int:
    """Seconds from 2025-01-01 00:00 IST to the start of IST day ``d``."""
    return (d - story.FIRST_DAY).days * _DAY


def _cdf(weights: np.ndarray) -> np.ndarray:
    c = np.cumsum(np.asarray(weights, dtype=float))
    return c / c[-1]


def _pick(rng: np.random.Generator, cum: np.ndarray, m: int) -> np.ndarray:
    """m draws of indices with probabilities proportional to the increments of ``cum``."""
    return np.minimum(np.searchsorted(cum, rng.random(m) * cum[-1], side="right"), len(cum) - 1)


def _burst(rng: np.random.Generator, sizes: np.ndarray, mean_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Group index and offset (seconds) of each event in bursts of the given sizes."""
    inc = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.cumsum(sizes) - sizes
    gaps = rng.exponential(mean_gap, len(inc)) + 20.0
    gaps[starts] = 0.0
    cs = np.cumsum(gaps)
    return inc, (cs - np.repeat(cs[starts], sizes)).astype(np.int64)


def _round_to(x: np.ndarray, step: float) -> np.ndarray:
    return np.maximum(np.round(x / step) * step, step)


class _Registry:
    """Entity attributes kept as growing lists of arrays, so fraud can add its own payees and devices."""

    def __init__(self) -> None:
        self.parts: dict[str, list[np.ndarray]] = {}
        self.size = 0

    def add(self, **cols: np.ndarray) -> int:
        """Append rows; returns the index of the first new row."""
        n = len(next(iter(cols.values())))
        for k, v in cols.items():
            self.parts.setdefault(k, []).append(np.asarray(v))
        start, self.size = self.size, self.size + n
        return start

    def col(self, k: str) -> np.ndarray:
        return np.concatenate(self.parts[k])


class _Generator:
    """Builds one dataset. Every part of the story draws from its own random stream."""

    def __init__(self, n: int, seed: int, scenarios: tuple[str, ...]) -> None:
        self.n, self.seed, self.scen = n, seed, scenarios
        children = np.random.SeedSequence(seed).spawn(len(_STREAMS))
        self.rng = {name: np.random.default_rng(ss) for name, ss in zip(_STREAMS, children, strict=True)}
        self.festive = "festive_drift" in scenarios
        self._calendar()

    # -- calendar ----------------------------------------------------------------------

    def _calendar(self) -> None:
        days = np.arange(_N_DAYS)
        dates = [story.FIRST_DAY + timedelta(days=int(d)) for d in days]
        self.weekday = np.array([d.weekday() for d in dates])
        dom = np.array([d.day for d in dates])
        last = np.array([(d + timedelta(days=1)).day == 1 for d in dates])
        knots = [(_sec(d) // _DAY, v) for d, v in story.FESTIVE_INTENSITY]
        self.fest = np.interp(days, [k for k, _ in knots], [v for _, v in knots], left=0.0, right=0.0)
        if not self.festive:
            self.fest = np.zeros(_N_DAYS)
        self.rent_day = np.isin(dom, story.RENT_DAYS_OF_MONTH)
        weekend = self.weekday >= 5
        w = 1.0 + story.YEARLY_GROWTH * days / (_N_DAYS - 1)
        w = w * np.where(weekend, story.WEEKEND_VOLUME, 1.0)
        w = w * np.where(np.isin(dom, story.SALARY_DAYS_OF_MONTH) | last, story.SALARY_DAY_VOLUME, 1.0)
        w = w * (1.0 + story.FESTIVE_VOLUME_UPLIFT * self.fest)
        self.day_cdf = _cdf(w)
        self.day_lo = np.concatenate([[0.0], self.day_cdf[:-1]])  # P(day < d)
        self.hour_cdf = _cdf(story.DAILY_RHYTHM_IST)
        daytime = np.array(story.DAILY_RHYTHM_IST) * ((np.arange(24) >= 9) & (np.arange(24) <= 20))
        self.daytime_cdf = _cdf(daytime)
        # Merchant category mix per day, flattened as day + cdf so one searchsorted serves all days.
        mix = np.tile(_CATEGORY_MIX, (_N_DAYS, 1))
        for cat, m in _WEEKEND_CATEGORY.items():
            mix[weekend, _MCAT[cat] - 1] *= m
        for cat, m in story.FESTIVE_CATEGORY_MULTIPLIER.items():
            mix[:, _MCAT[cat] - 1] *= m ** self.fest
        cat_cdf = np.cumsum(mix, axis=1) / mix.sum(axis=1, keepdims=True)
        cat_cdf[:, -1] = 1.0
        self.cat_flat = (cat_cdf * (1 - 1e-9) + days[:, None]).ravel()
        self.release_t = np.array([_sec(d) for _, d in story.APP_RELEASES], dtype=np.int64)

    def _days(self, rng: np.random.Generator, m: int, lo=0, hi=_N_DAYS - 1) -> np.ndarray:
        """m IST days drawn from the volume curve, restricted to [lo, hi]."""
        lo_p, hi_p = self.day_lo[lo], self.day_cdf[hi]
        d = np.searchsorted(self.day_cdf, lo_p + rng.random(m) * (hi_p - lo_p), side="left")
        return np.clip(d, lo, hi).astype(np.int64)

    @staticmethod
    def _tod(rng: np.random.Generator, m: int, cdf: np.ndarray) -> np.ndarray:
        """m times of day (seconds) following an hourly profile."""
        hour = np.minimum(np.searchsorted(cdf, rng.random(m), side="right"), 23)
        return hour * 3600 + rng.integers(0, 3600, m)

    # -- entities ----------------------------------------------------------------------

    def _entities(self) -> None:
        rng, n = self.rng["entities"], self.n
        n_reg = max(150, round(n / 70))
        n_mer = max(80, round(n / 110))
        n_p2p = max(150, round(1.6 * n_reg))
        state_w = np.array([w for _, w in STATES])

        # Mule plan first: mules are customers too (accounts opened weeks before they are used).
        m_rng = self.rng["mule_account"]
        n_mules = max(1, round(FRAUD_RATES["mule_account"] * n / 23))
        self.mule_start = m_rng.integers(5, 356, n_mules)
        mule_open_day = self.mule_start - m_rng.integers(10, 90, n_mules)  # may be late 2024

        n_c = n_reg + n_mules
        self.n_reg = n_reg
        state = _pick(rng, np.cumsum(state_w), n_c)
        tier = rng.choice(np.array([1, 2, 3], dtype=np.int8), n_c, p=[0.32, 0.36, 0.32])
        tier[state == STATE_NAMES.index("Delhi")] = 1
        tier[state == STATE_NAMES.index("Chandigarh")] = 1
        age = rng.choice(5, n_c, p=[0.24, 0.34, 0.22, 0.14, 0.06])
        age[n_reg:] = rng.choice(3, n_mules, p=[0.5, 0.4, 0.1])
        new_acct = rng.random(n_c) < 0.15
        start_day = np.where(new_acct, rng.integers(1, 350, n_c), 0)
        start_day[n_reg:] = np.maximum(mule_open_day, 0)
        opened = np.where(start_day > 0, start_day * _DAY, rng.integers(_sec(date(2012, 1, 1)), 0, n_c))
        opened[n_reg:] = mule_open_day * _DAY
        kyc = (rng.random(n_c) < np.where(start_day > 0, 0.7, 0.9)).astype(np.int8)  # 1 = full
        kyc[n_reg:] = (rng.random(n_mules) < 0.4).astype(np.int8)
        activity = rng.lognormal(0.0, 0.8, n_c)
        activity[n_reg:] *= 0.3
        self.c_state, self.c_tier, self.c_age, self.c_kyc = state, tier, age, kyc
        self.c_opened, self.c_start = opened.astype(np.int64), start_day.astype(np.int64)
        self.c_amt = _TIER_AMOUNT[tier] * rng.lognormal(0.0, 0.3, n_c)
        self.c_p2p = np.clip(rng.normal(0.38, 0.12, n_c), 0.05, 0.9)
        self.cust_cum = np.cumsum(activity * (_N_DAYS - start_day) / _N_DAYS)
        est = np.flatnonzero(start_day[:n_reg] == 0)  # established customers: fraud victims
        self.victim_cum = {}
        for ft in story.FRAUD_TYPES:
            wv = activity[est] ** 0.3 * np.array(_VICTIM_AGE[ft])[age[est]] * np.array(_VICTIM_TIER[ft])[tier[est] - 1]
            self.victim_cum[ft] = (est, np.cumsum(wv))

        # Payees: people first, then merchants grouped by category (position = popularity).
        pay = self.payees = _Registry()
        p_onb = np.where(rng.random(n_p2p) < 0.9, rng.integers(_sec(date(2017, 1, 1)), 0, n_p2p),
                         rng.integers(0, _YEAR_END, n_p2p))
        pay.add(type=np.zeros(n_p2p, np.int8), cat=np.zeros(n_p2p, np.int8),
                state=_pick(rng, np.cumsum(state_w), n_p2p), onb=p_onb)
        counts = np.maximum(2, np.round(_MERCHANT_MIX * n_mer)).astype(int)
        m_cat = np.repeat(np.arange(1, _N_MCAT + 1), counts)
        n_mer = len(m_cat)
        old = rng.random(n_mer) < 0.85
        m_starts = np.cumsum(counts) - counts
        pos_in_cat = np.arange(n_mer) - np.repeat(m_starts, counts)
        old |= pos_in_cat < np.repeat(np.maximum(1, counts // 10), counts)  # popular ones predate 2025
        m_onb = np.where(old, rng.integers(_sec(date(2017, 1, 1)), 0, n_mer), rng.integers(0, _YEAR_END, n_mer))
        pay.add(type=np.ones(n_mer, np.int8), cat=m_cat.astype(np.int8),
                state=_pick(rng, np.cumsum(state_w), n_mer), onb=m_onb)
        self.n_p2p = n_p2p
        self.m_offset = np.concatenate([[0], n_p2p + m_starts])  # index by category (0 = people)
        self.m_count = np.concatenate([[n_p2p], counts])
        # Fallback: a payee onboarded before 2025 of the same kind, used when a draw is not live yet.
        grp = np.concatenate([np.zeros(n_p2p, int), m_cat])
        onb = np.concatenate([p_onb, m_onb])
        fallback = np.arange(len(grp))
        for g in range(_N_MCAT + 1):
            members = np.flatnonzero(grp == g)
            olds = members[onb[members] < 0]
            late = members[onb[members] >= 0]
            fallback[late] = olds[np.floor(len(olds) * rng.random(len(late)) ** 1.8).astype(int)]
        self.fallback = fallback
        # Each customer's contacts (people they pay) and favourite merchant per category.
        self.contacts = np.floor(n_p2p * rng.random((n_c, 6)) ** 1.3).astype(np.int64)
        self.contact_cdf = _cdf(1.0 / np.arange(1, 7))
        u = rng.random((n_c, _N_MCAT)) ** 1.8
        self.favs = (n_p2p + m_starts + np.floor(u * counts)).astype(np.int64)

        # Devices: each customer's usual phone; some change phones, some use a second device.
        dev = self.devices = _Registry()
        p_ios = np.array([0.0, 0.25, 0.15, 0.08])[tier]
        os_ = (rng.random(n_c) < p_ios).astype(np.int8)  # 1 = ios
        # A phone registered between account opening (or 2019) and 1 January 2025.
        lo = np.maximum(opened, _sec(date(2019, 1, 1)))
        first = np.where(start_day > 0, opened, lo + (rng.random(n_c) * -lo).astype(np.int64))
        first[n_reg:] = opened[n_reg:]
        lag = np.ceil(rng.exponential(9.0, n_c) + np.where(rng.random(n_c) < 0.04, 60, 0)).astype(np.int64)
        dev.add(os=os_, first=first.astype(np.int64), lag=lag)
        self.usual_dev = np.arange(n_c)
        upg = (rng.random(n_c) < 0.18) & (start_day < 330)
        upg_idx = np.flatnonzero(upg)
        lo = start_day[upg_idx] * _DAY + 10 * _DAY
        upg_t = lo + (rng.random(len(upg_idx)) * (_YEAR_END - lo)).astype(np.int64)
        keep_os = rng.random(len(upg_idx)) < 0.9
        upg_os = np.where(keep_os, os_[upg_idx], 1 - os_[upg_idx]).astype(np.int8)
        s = dev.add(os=upg_os, first=upg_t, lag=np.ceil(rng.exponential(9.0, len(upg_idx))).astype(np.int64))
        self.upg_t = np.full(n_c, np.iinfo(np.int64).max)
        self.upg_t[upg_idx] = upg_t
        self.upg_dev = self.usual_dev.copy()
        self.upg_dev[upg_idx] = s + np.arange(len(upg_idx))
        sec_idx = np.flatnonzero(rng.random(n_c) < 0.06)
        s = dev.add(os=(rng.random(len(sec_idx)) < 0.3).astype(np.int8), first=first[sec_idx],
                    lag=np.ceil(rng.exponential(20.0, len(sec_idx))).astype(np.int64))
        self.has_sec = np.zeros(n_c, bool)
        self.has_sec[sec_idx] = True
        self.sec_dev = self.usual_dev.copy()
        self.sec_dev[sec_idx] = s + np.arange(len(sec_idx))

    def _device_at(self, cust: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.where(t >= self.upg_t[cust], self.upg_dev[cust], self.usual_dev[cust])

    def _victims(self, rng: np.random.Generator, ft: str, m: int) -> np.ndarray:
        est, cum = self.victim_cum[ft]
        return est[_pick(rng, cum, m)]

    def _popular_merchant(self, rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
        return self.m_offset[cat] + np.floor(self.m_count[cat] * rng.random(len(cat)) ** 1.8).astype(np.int64)

    def _live(self, payee: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Replace payees not yet onboarded at time t by their fallback."""
        onb = self._payee_onb_legit
        return np.where(onb[payee] > t, self.fallback[payee], payee)

    # -- legitimate payments -----------------------------------------------------------

    def _legit(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        n_follow = int(n * 0.12)
        n_base = n - n_follow
        cust = _pick(rng, self.cust_cum, n_base)
        lo = self.day_lo[self.c_start[cust]]
        day = np.searchsorted(self.day_cdf, lo + rng.random(n_base) * (1.0 - lo), side="left")
        day = np.clip(day, self.c_start[cust], _N_DAYS - 1)
        t = day * _DAY + self._tod(rng, n_base, self.hour_cdf)
        # Follow-ups: a second payment minutes after an earlier one (shopping, splitting a bill).
        parent = rng.integers(0, n_base, n_follow)
        t_f = np.minimum(t[parent] + (rng.exponential(900.0, n_follow) + 30).astype(np.int64), _YEAR_END - 1)
        cust = np.concatenate([cust, cust[parent]])
        t = np.concatenate([t, t_f])
        day = t // _DAY

        is_p2p = rng.random(n) < self.c_p2p[cust]
        mcat = 1 + np.searchsorted(self.cat_flat, day + rng.random(n), side="right") - day * _N_MCAT
        mcat = np.clip(mcat, 1, _N_MCAT)
        k = np.minimum(np.searchsorted(self.contact_cdf, rng.random(n), side="right"), 5)
        p2p_payee = np.where(rng.random(n) < 0.93, self.contacts[cust, k],
                             np.floor(self.n_p2p * rng.random(n) ** 1.3).astype(np.int64))
        p2m_payee = np.where(rng.random(n) < 0.75, self.favs[cust, mcat - 1], self._popular_merchant(rng, mcat))
        payee = np.where(is_p2p, p2p_payee, p2m_payee)
        same = np.flatnonzero(rng.random(n_follow) < 0.25) + n_base  # follow-up to the same payee
        payee[same] = payee[parent[same - n_base]]
        payee = self._live(payee, t)
        cat = self._payee_cat_legit[payee].astype(np.int64)
        is_p2p = cat == 0

        z = rng.standard_normal(n)
        amount = _AMOUNT_MEDIAN[cat] * self.c_amt[cust] * np.exp(_AMOUNT_SIGMA[cat] * z)
        rent = is_p2p & self.rent_day[day] & (rng.random(n) < 0.3)
        amount = np.where(rent, amount * 5.0, amount)
        shift = np.where(is_p2p, story.FESTIVE_P2P_AMOUNT_LOG_SHIFT, story.FESTIVE_MERCHANT_AMOUNT_LOG_SHIFT)
        amount = amount * np.exp(shift * self.fest[day])
        plans = _RECHARGE_PLANS[_pick(rng, np.cumsum(_RECHARGE_WEIGHTS), n)]
        amount = np.where(cat == _MCAT["recharge"], plans, amount)
        r = rng.random(n)
        p2p_amt = np.where(r < 0.55, np.where(amount >= 300, _round_to(amount, 100), _round_to(amount, 10)),
                           np.where(r < 0.85, _round_to(amount, 10), np.round(amount)))
        p2m_amt = np.where(r < 0.45, np.round(amount), np.round(amount, 2))
        amount = np.where(is_p2p, np.clip(p2p_amt, 1, _P2P_CAP), np.clip(p2m_amt, 1, _P2M_CAP))

        u = rng.random(n)
        ch_p2p = np.where(u < 0.07, 1, np.where(u < 0.22, 2, 0))
        ch_p2m = np.where(u < 0.03, 1, np.where(u < 0.03 + 0.97 * _INTENT_SHARE[cat], 0, 2))
        channel = np.where(is_p2p, ch_p2p, ch_p2m)

        dev = self._device_at(cust, t)
        second = self.has_sec[cust] & (rng.random(n) < 0.15)
        dev = np.where(second, self.sec_dev[cust], dev)
        return {"cust": cust, "t": t, "payee": payee, "amount": amount, "channel": channel, "dev": dev}

    # -- fraud typologies --------------------------------------------------------------

    def _new_payees(self, m: int, ptype: int, cat: np.ndarray | int, onb: np.ndarray, rng) -> np.ndarray:
        """Fraudsters' payees: fresh UPI ids, onboarded shortly before they are used."""
        state = _pick(rng, np.cumsum([w for _, w in STATES]), m)
        cat = np.broadcast_to(np.asarray(cat, dtype=np.int8), (m,)).copy()
        start = self.payees.add(type=np.full(m, ptype, np.int8), cat=cat, state=state, onb=onb.astype(np.int64))
        return start + np.arange(m)

    @staticmethod
    def _rows(ft, cust, t, payee, amount, channel, dev, unit, report=None) -> dict[str, np.ndarray]:
        """Fraud rows; ``unit`` groups rows reported together (one victim's complaint)."""
        m = len(t)
        p, median = _REPORT[report or ft]
        return {
            "cust": cust, "t": np.minimum(t, _YEAR_END - 1), "payee": payee, "amount": amount,
            "channel": np.asarray(channel), "dev": dev, "ftype": np.full(m, FRAUD_TYPES.index(ft), np.int8),
            "unit": unit, "p_report": np.full(m, p), "median_delay": np.full(m, median),
        }

    def _account_takeover(self) -> dict:
        rng, ft = self.rng["account_takeover"], "account_takeover"
        n_inc = max(1, round(FRAUD_RATES[ft] * self.n / 3.6))
        sizes = 2 + np.minimum(rng.poisson(1.6, n_inc), 5)
        victim = self._victims(rng, ft, n_inc)
        day = self._days(rng, n_inc, 0, _N_DAYS - 2)
        night = rng.random(n_inc) < 0.6
        t0 = day * _DAY + np.where(night, rng.integers(0, 5 * 3600, n_inc), self._tod(rng, n_inc, self.hour_cdf))
        inc, off = _burst(rng, sizes, 240.0)
        t = t0[inc] + off
        # SIM swap: the fraudster registers the victim's UPI on a new phone minutes before.
        d0 = self.devices.add(os=(rng.random(n_inc) < 0.07).astype(np.int8),
                              first=t0 - rng.integers(300, 3600, n_inc), lag=np.zeros(n_inc, np.int64))
        dev = d0 + inc
        mule = self._new_payees(n_inc, 0, 0, t0 - rng.integers(2 * _DAY, 60 * _DAY, n_inc), rng)
        m = len(t)
        to_merchant = rng.random(m) < 0.2
        mcat = np.array([_MCAT["electronics"], _MCAT["gaming"], _MCAT["travel"]])[rng.choice(3, m, p=[0.5, 0.3, 0.2])]
        merchant = self._live(self._popular_merchant(rng, mcat), t)
        payee = np.where(to_merchant, merchant, mule[inc])
        a = rng.lognormal(np.log(15_000), 0.75, m)
        a = np.where(rng.random(m) < 0.5, _round_to(a, 1000), _round_to(a, 100))
        amount = np.clip(a, 500, _P2P_CAP)
        channel = np.where(to_merchant | (rng.random(m) < 0.92), 0, 2)
        return self._rows(ft, victim[inc], t, payee, amount, channel, dev, unit=inc)

    def _collect_scam(self) -> dict:
        rng, ft = self.rng["collect_scam"], "collect_scam"
        n_inc = max(1, round(FRAUD_RATES[ft] * self.n / 2.0))
        sizes = 1 + np.minimum(rng.poisson(1.0, n_inc), 4)
        n_pay = max(1, int(np.ceil(n_inc / 2.5)))
        centre = self._days(rng, n_pay, 0, 357)
        which = rng.integers(0, n_pay, n_inc)
        day = np.clip(centre[which] + rng.integers(-6, 7, n_inc), 0, _N_DAYS - 2)
        t0 = day * _DAY + self._tod(rng, n_inc, self.hour_cdf)
        first_use = np.full(n_pay, _YEAR_END, np.int64)
        np.minimum.at(first_use, which, t0)
        scammer = self._new_payees(n_pay, 0, 0, first_use - rng.integers(_DAY, 30 * _DAY, n_pay), rng)
        victim = self._victims(rng, ft, n_inc)
        inc, off = _burst(rng, sizes, 180.0)
        t = t0[inc] + off
        m = len(t)
        a = np.where(rng.random(m) < 0.8, _ROUND_AMOUNTS[_pick(rng, np.cumsum(_ROUND_WEIGHTS), m)],
                     np.round(rng.lognormal(np.log(3000), 0.7, m)))
        channel = np.where(rng.random(m) < 0.85, 1, 0)
        cust = victim[inc]
        return self._rows(ft, cust, t, scammer[which][inc], np.clip(a, 1, _P2P_CAP), channel,
                          self._device_at(cust, t), unit=inc)

    def _qr_scam(self) -> dict:
        rng, ft = self.rng["qr_scam"], "qr_scam"
        n_m = max(1, round(FRAUD_RATES[ft] * self.n / 9.0))
        sizes = 3 + rng.poisson(6.0, n_m)
        start = self._days(rng, n_m, 0, 352)
        dur = rng.integers(2, 10, n_m)
        cats = np.array([_MCAT[c] for c in ("electronics", "fashion", "food", "travel", "gaming")])
        cat = cats[rng.choice(5, n_m, p=[0.35, 0.25, 0.15, 0.15, 0.10])]
        fake = self._new_payees(n_m, 1, cat, start * _DAY - rng.integers(_DAY, 25 * _DAY, n_m), rng)
        inc = np.repeat(np.arange(n_m), sizes)
        m = len(inc)
        day = np.minimum(start[inc] + np.floor(rng.random(m) * dur[inc]).astype(np.int64), _N_DAYS - 1)
        t = day * _DAY + self._tod(rng, m, self.hour_cdf)
        cust = self._victims(rng, ft, m)
        a = _AMOUNT_MEDIAN[cat[inc]] * 1.3 * rng.lognormal(0.0, 0.6, m)
        a = np.where(rng.random(m) < 0.5, np.maximum(_round_to(a, 500) - 1, 99), np.round(a, 2))
        return self._rows(ft, cust, t, fake[inc], np.clip(a, 1, _P2M_CAP), np.full(m, 2),
                          self._device_at(cust, t), unit=np.arange(m))

    def _mule_account(self) -> dict:
        rng, ft = self.rng["mule_account"], "mule_account"
        start = self.mule_start
        n_m = len(start)
        # Money in: many distinct victims (job and investment scams) pay the mule within days.
        k_in = 10 + rng.poisson(10.0, n_m)
        dur = rng.integers(1, 5, n_m)
        mule = self._new_payees(n_m, 0, 0, start * _DAY - rng.integers(7 * _DAY, 45 * _DAY, n_m), rng)
        inc = np.repeat(np.arange(n_m), k_in)
        m = len(inc)
        t_in = (start[inc] + np.floor(rng.random(m) * dur[inc]).astype(np.int64)) * _DAY + self._tod(rng, m, self.hour_cdf)
        payer = self._victims(rng, ft, m)
        a_in = rng.lognormal(np.log(2500), 0.9, m)
        a_in = np.clip(np.where(rng.random(m) < 0.6, _round_to(a_in, 100), np.round(a_in)), 100, _P2P_CAP)
        u = rng.random(m)
        ch_in = np.where(u < 0.7, 0, np.where(u < 0.9, 2, 1))
        rows_in = self._rows(ft, payer, t_in, mule[inc], a_in, ch_in, self._device_at(payer, t_in),
                             unit=np.arange(m), report="mule_in")
        # Money out: the mule's own account moves ~92% onward to the next layer within a day.
        total = np.bincount(inc, weights=a_in, minlength=n_m)
        t_end = np.zeros(n_m, np.int64)
        np.maximum.at(t_end, inc, t_in)
        k_out = np.clip(np.ceil(0.92 * total / 90_000).astype(int) + rng.poisson(1.0, n_m), 1, 8)
        layer = self._new_payees(2 * n_m, 0, 0, np.repeat(start * _DAY, 2) - rng.integers(3 * _DAY, 40 * _DAY, 2 * n_m), rng)
        out = np.repeat(np.arange(n_m), k_out)
        mo = len(out)
        t_out = t_end[out] + rng.integers(1800, _DAY, mo)
        share = rng.exponential(1.0, mo)
        share = share / np.bincount(out, weights=share, minlength=n_m)[out]
        a_out = np.clip(_round_to(0.92 * total[out] * share, 100), 100, _P2P_CAP)
        mule_cust = self.n_reg + out
        payee_out = layer[2 * out + (rng.random(mo) < 0.5)]
        rows_out = self._rows(ft, mule_cust, t_out, payee_out, a_out, np.zeros(mo, np.int64),
                              self._device_at(mule_cust, t_out), unit=m + out, report="mule_out")
        return {k: np.concatenate([rows_in[k], rows_out[k]]) for k in rows_in}

    def _new_scam(self) -> dict:
        rng, ft = self.rng["new_scam"], "new_scam"
        n_b = max(1, round(FRAUD_RATES[ft] * self.n / 10.0))
        sizes = 4 + rng.poisson(6.0, n_b)
        first_day = _sec(story.NEW_SCAM_START) // _DAY
        start = rng.integers(first_day, _N_DAYS - 5, n_b)
        dur = rng.integers(3, 11, n_b)
        fake = self._new_payees(n_b, 1, _MCAT["utilities"], start * _DAY - rng.integers(_DAY, 14 * _DAY, n_b), rng)
        self.new_scam_payees = fake
        inc = np.repeat(np.arange(n_b), sizes)
        m = len(inc)
        day = np.minimum(start[inc] + np.floor(rng.random(m) * dur[inc]).astype(np.int64), _N_DAYS - 1)
        t = day * _DAY + self._tod(rng, m, self.daytime_cdf)
        cust = self._victims(rng, ft, m)
        a = np.where(rng.random(m) < 0.3, rng.integers(10, 100, m).astype(float),
                     np.round(rng.lognormal(np.log(1800), 0.55, m), 2))
        channel = np.where(rng.random(m) < 0.95, 0, 1)
        return self._rows(ft, cust, t, fake[inc], a, channel, self._device_at(cust, t), unit=np.arange(m))

    # -- assembly ----------------------------------------------------------------------

    def run(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        self._entities()
        self._payee_onb_legit = self.payees.col("onb")
        self._payee_cat_legit = self.payees.col("cat")
        frauds = [self._account_takeover(), self._collect_scam(), self._qr_scam(), self._mule_account()]
        # The new scam is always drawn, so that switching it off changes nothing else: its
        # rows are replaced by filler payments from their own stream, its payees are dropped
        # (leaving gaps in the payee ids) and every other row and id stays the same.
        new_scam = self._new_scam()
        n_new = len(new_scam["t"])
        if "new_scam" not in self.scen:
            new_scam = None
        n_fraud = sum(len(f["t"]) for f in frauds)
        n_legit = self.n - n_fraud - n_new
        if n_legit < self.n // 2:
            raise ValueError(f"n_transactions={self.n} is too small for the fraud story; use at least {MIN_TRANSACTIONS}.")
        parts = [self._legit(self.rng["legit"], n_legit)]
        if new_scam is None:
            parts.append(self._legit(self.rng["filler"], n_new))
        legit_n = sum(len(p["t"]) for p in parts)
        frauds = frauds + ([new_scam] if new_scam is not None else [])
        keys = ("cust", "t", "payee", "amount", "channel", "dev")
        cols = {k: np.concatenate([p[k] for p in parts] + [f[k] for f in frauds]) for k in keys}
        ftype = np.concatenate([np.zeros(legit_n, np.int8)] + [f["ftype"] for f in frauds])
        label_t = np.concatenate([np.full(legit_n, -1, np.int64), self._labels(frauds)])
        order = np.argsort(cols["t"], kind="stable")
        cols = {k: v[order] for k, v in cols.items()}
        return self._frames(cols, ftype[order], label_t[order])

    def _labels(self, frauds: list[dict]) -> np.ndarray:
        """When each fraud is reported (seconds since the IST epoch), or -1 if never."""
        rng = self.rng["labels"]
        out = []
        for f in frauds:
            unit = f["unit"]
            n_u = int(unit.max()) + 1
            last = np.zeros(n_u, np.int64)
            np.maximum.at(last, unit, f["t"])
            p, median = np.ones(n_u), np.ones(n_u)
            p[unit], median[unit] = f["p_report"], f["median_delay"]
            reported = rng.random(n_u) < p
            delay = (np.exp(np.log(median) + 0.8 * rng.standard_normal(n_u)) * _DAY).astype(np.int64) + 7200
            lt = np.where(reported, last + delay, -1)
            out.append(lt[unit])
        return np.concatenate(out) if out else np.zeros(0, np.int64)

    def _frames(self, cols: dict, ftype: np.ndarray, label_t: np.ndarray):
        pay, dev = self.payees, self.devices
        p_type, p_cat, p_state, p_onb = (pay.col(k) for k in ("type", "cat", "state", "onb"))
        d_os, d_first, d_lag = (dev.col(k) for k in ("os", "first", "lag"))
        cust, t, payee, device = cols["cust"], cols["t"], cols["payee"], cols["dev"]

        # Ids are numbered in order of account opening / onboarding / first sighting.
        c_rank = _rank(self.c_opened)
        p_rank = _rank(p_onb)
        d_rank = _rank(d_first)
        c_ids = _ids("C", len(c_rank), 6)
        p_ids = _ids("P", len(p_rank), 6)
        d_ids = _ids("D", len(d_rank), 6)
        po = np.argsort(p_rank)  # payees in id order, without the billers of a switched-off new scam
        if "new_scam" not in self.scen:
            po = po[~np.isin(po, self.new_scam_payees)]
        p_code = np.full(len(p_rank), -1, np.int64)
        p_code[po] = np.arange(len(po))
        p_ids = p_ids[p_rank[po]]

        # App version: the newest release the device had installed by then.
        vt = np.maximum(t - d_lag[device] * _DAY, d_first[device])
        ver = np.clip(np.searchsorted(self.release_t, vt, side="right") - 1, 0, len(APP_VERSIONS) - 1)
        amount = cols["amount"].astype(np.float64)
        os_code = d_os[device].astype(np.int8)
        day = t // _DAY
        if "paise_incident" in self.scen:
            inc = story.PAISE_INCIDENT
            hit = (ver == APP_VERSIONS.index(inc.app_version)) & _in_week(day, inc)
            amount = np.where(hit, amount * 100.0, amount)
        if "null_os_incident" in self.scen:
            inc = story.NULL_OS_INCIDENT
            hit = (ver == APP_VERSIONS.index(inc.app_version)) & _in_week(day, inc)
            os_code = np.where(hit, -1, os_code).astype(np.int8)

        n = len(t)
        tx = pd.DataFrame({
            "txn_id": _ids("T", n, 9, start=1),
            "event_timestamp": _utc(t),
            "customer_id": _cat(c_rank[cust], c_ids),
            "payee_id": _cat(p_code[payee], p_ids),
            "payee_type": _cat(p_type[payee], PAYEE_TYPES),
            "merchant_category": _cat(p_cat[payee], MERCHANT_CATEGORIES),
            "amount_inr": amount,
            "channel": _cat(cols["channel"], CHANNELS),
            "device_id": _cat(d_rank[device], d_ids),
            "device_os": _cat(os_code, DEVICE_OS),
            "app_version": _cat(ver, APP_VERSIONS),
            "customer_state": _cat(self.c_state[cust], STATE_NAMES),
            "city_tier": self.c_tier[cust].astype(np.int8),
            "is_fraud": (ftype > 0).astype(np.int8),
            "fraud_type": _cat(ftype, FRAUD_TYPES),
            "label_available_at": _utc(label_t, missing=label_t < 0),
        })

        co = np.argsort(c_rank)
        customers = pd.DataFrame({
            "customer_id": c_ids,
            "home_state": _cat(self.c_state[co], STATE_NAMES),
            "city_tier": self.c_tier[co].astype(np.int8),
            "age_band": _cat(self.c_age[co], AGE_BANDS),
            "kyc_level": _cat(self.c_kyc[co], KYC_LEVELS),
            "account_opened_at": _utc(self.c_opened[co]),
            "usual_device_id": d_ids[d_rank[self.usual_dev[co]]],
        })
        payees = pd.DataFrame({
            "payee_id": p_ids,
            "payee_type": _cat(p_type[po], PAYEE_TYPES),
            "merchant_category": _cat(p_cat[po], MERCHANT_CATEGORIES),
            "merchant_state": _cat(p_state[po], STATE_NAMES),
            "onboarded_at": _utc(p_onb[po]),
        })
        do = np.argsort(d_rank)
        devices = pd.DataFrame({
            "device_id": d_ids,
            "device_os": _cat(d_os[do], DEVICE_OS),
            "first_seen_at": _utc(d_first[do]),
        })
        return tx, customers, payees, devices


def _in_week(day: np.ndarray, inc: story.Incident) -> np.ndarray:
    return (day >= _sec(inc.start) // _DAY) & (day <= _sec(inc.end) // _DAY)


def _rank(keys: np.ndarray) -> np.ndarray:
    """Position of each entity when sorted by ``keys`` (stable): its id number minus one."""
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(keys), np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def _ids(prefix: str, n: int, width: int, start: int = 1) -> np.ndarray:
    """Object array of ids like C000001 (built as bytes: a Python loop is too slow for millions)."""
    import pyarrow as pa

    width = max(width, len(str(start + n - 1)))
    p = np.frombuffer(prefix.encode(), dtype=np.uint8)
    w = len(p) + width
    buf = np.empty((n, w), dtype=np.uint8)
    buf[:, : len(p)] = p
    v = np.arange(start, start + n, dtype=np.int64)
    for j in range(width - 1, -1, -1):
        buf[:, len(p) + j] = 48 + v % 10
        v //= 10
    offsets = np.arange(n + 1, dtype=np.int64) * w
    arr = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(buf)])
    return arr.to_numpy(zero_copy_only=False)


def _cat(codes: np.ndarray, categories) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes), categories=pd.Index(list(categories), dtype=object))


def _utc(t: np.ndarray, missing: np.ndarray | None = None) -> pd.DatetimeIndex:
    """Seconds since 2025-01-01 00:00 IST -> UTC-aware nanosecond timestamps (NaT where missing)."""
    ns = (np.asarray(t, dtype=np.int64) + _EPOCH) * 1_000_000_000
    arr = ns.view("M8[ns]")
    if missing is not None:
        arr = np.where(missing, np.datetime64("NaT", "ns"), arr)
    return pd.DatetimeIndex(arr).tz_localize("UTC")
