"""What a dataset is and how it is named: sizes, scenarios, seeds, the cache key and the content digest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .vocabulary import SCENARIO_NAMES

#: Bump when the generator's output changes: it is part of the cache key.
DATA_VERSION = "3"
#: Named sizes (number of transactions). Any other size: ``n_transactions=<int>``.
SIZES: dict[str, int] = {"ci": 20_000, "default": 300_000, "large": 3_000_000}
#: Smallest accepted ``n_transactions`` (below it the fraud typologies cannot all appear).
MIN_TRANSACTIONS = 1_000


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


def resolve_size(size: str | int | None = "default", n_transactions: int | None = None) -> int:
    """Number of transactions for a size name or an explicit count; ValueError if neither is valid."""
    names = ", ".join(SIZES)
    if n_transactions is None and isinstance(size, str) and size.isdigit():
        size = int(size)  # a row count given as text: an environment variable, a command-line argument
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
        return SCENARIO_NAMES
    wanted = [scenarios] if isinstance(scenarios, str) else list(scenarios)
    for name in wanted:
        if name not in SCENARIO_NAMES:
            raise ValueError(
                f"Unknown scenario {name!r}: choose from {', '.join(SCENARIO_NAMES)} "
                "(scenarios=None turns all on, scenarios=() turns all off)."
            )
    return tuple(s for s in SCENARIO_NAMES if s in wanted)


def check_seed(seed: object) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0 (got {seed!r}).")


def cache_key(n_transactions: int, seed: int, scenarios: Iterable[str]) -> str:
    """Folder name of a cached dataset, e.g. ``n20000-seed42-all-v1``."""
    scen = tuple(scenarios)
    tag = "all" if scen == SCENARIO_NAMES else ("none" if not scen else "+".join(scen))
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
