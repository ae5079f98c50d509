"""The course dataset: one simulated year (2025) of UPI payments in India, with fraud.

Every lab uses the same synthetic world, so this package generates it
deterministically from a seed (bit for bit: vectorised numpy, one
``numpy.random.default_rng`` stream per part of the story) and caches it as
parquet under ``workspace.data_cache_dir()``. The story's dates live in
:mod:`upi_kit.story`; the datasheet is ``datasets/README.md`` in the course.

Entry points::

    from upi_kit import data
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

Layout: this module is the public API; ``dataset`` names and digests a dataset,
``cache`` keeps it as parquet, ``datasheet`` writes schema.json and preview.csv,
and ``simulate`` drives the generator's steps: ``calendar``, ``entities``,
``legit``, ``fraud`` (one module per typology), ``labels``, ``incidents`` and
``frames`` (the output tables).
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import story, workspace
from .cache import read_cache, write_cache
from .dataset import (
    DATA_VERSION,
    MIN_TRANSACTIONS,
    SIZES,
    UPIData,
    cache_key,
    check_seed,
    dataset_digest,
    resolve_scenarios,
    resolve_size,
)
from .datasheet import COLUMN_DOCS, preview_files, schema, write_preview
from .simulate import simulate
from .vocabulary import (
    AGE_BANDS,
    APP_VERSIONS,
    CHANNELS,
    DEVICE_OS,
    FRAUD_TYPE_CATEGORIES,
    KYC_LEVELS,
    MERCHANT_CATEGORIES,
    PAYEE_TYPES,
    SCENARIO_NAMES,
    STATE_NAMES,
    STATES,
)

#: Share of all rows per fraud typology (the story's numbers; see ``story.FRAUD_RATES``).
FRAUD_RATES = story.FRAUD_RATES


def generate(
    size: str | int | None = "default",
    seed: int = 42,
    scenarios: Iterable[str] | str | None = None,
    n_transactions: int | None = None,
) -> UPIData:
    """Generate the dataset in memory (no cache). Same arguments, same data, bit for bit."""
    n = resolve_size(size, n_transactions)
    scen = resolve_scenarios(scenarios)
    check_seed(seed)
    transactions, customers, payees, devices = simulate(n, int(seed), scen)
    return UPIData(transactions, customers, payees, devices, digest=dataset_digest(transactions), seed=int(seed),
                   n_transactions=n, scenarios=scen)


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
    check_seed(seed)
    seed = int(seed)
    folder = workspace.data_cache_dir() / cache_key(n, seed, scen)
    cached = read_cache(folder, seed, n, scen)
    if cached is not None:
        return cached
    data = generate(n_transactions=n, seed=seed, scenarios=scen)
    write_cache(folder, data)
    return data


__all__ = [
    "AGE_BANDS", "APP_VERSIONS", "CHANNELS", "COLUMN_DOCS", "DATA_VERSION", "DEVICE_OS", "FRAUD_RATES",
    "FRAUD_TYPE_CATEGORIES", "KYC_LEVELS", "MERCHANT_CATEGORIES", "MIN_TRANSACTIONS", "PAYEE_TYPES",
    "SCENARIO_NAMES", "SIZES", "STATES", "STATE_NAMES", "UPIData", "cache_key", "dataset_digest", "generate",
    "load", "preview_files", "resolve_scenarios", "resolve_size", "schema", "write_preview",
]
