"""Vectorised drawing helpers shared by every step of the simulator.

Each takes the random stream it consumes as an argument: a step's draws then come
from its own stream only, so one story part can change without moving another.
"""

from __future__ import annotations

import numpy as np

#: Shortest gap (seconds) between two payments of one burst: a person needs time to type.
MIN_BURST_GAP_S = 20.0


def cdf(weights: np.ndarray | list[float] | tuple[float, ...]) -> np.ndarray:
    """Normalised cumulative weights, for ``searchsorted`` draws (the last entry is exactly 1)."""
    c = np.cumsum(np.asarray(weights, dtype=float))
    return c / c[-1]


def pick(rng: np.random.Generator, cum: np.ndarray, m: int) -> np.ndarray:
    """m draws of indices with probabilities proportional to the increments of ``cum``.

    Cheaper than ``rng.choice(p=...)`` for the large weight vectors the simulator uses
    (customers by activity, victims by profile) and draws exactly ``m`` uniforms.
    """
    return np.minimum(np.searchsorted(cum, rng.random(m) * cum[-1], side="right"), len(cum) - 1)


def bursts(rng: np.random.Generator, sizes: np.ndarray, mean_gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Group index and offset (seconds from the group's first event) of each event in bursts of ``sizes``."""
    group = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.cumsum(sizes) - sizes
    gaps = rng.exponential(mean_gap, len(group)) + MIN_BURST_GAP_S
    gaps[starts] = 0.0
    cs = np.cumsum(gaps)
    return group, (cs - np.repeat(cs[starts], sizes)).astype(np.int64)


def round_to(x: np.ndarray, step: float) -> np.ndarray:
    """Round to a multiple of ``step``, at least ``step``: people pay round sums, never zero."""
    return np.maximum(np.round(x / step) * step, step)
