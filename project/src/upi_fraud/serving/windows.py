"""Merge one event into an entity's stored window (exercise 4.3, lab 04).

Lab 03's views store each entity's recent events as lists (times and amounts, or times and payers).
freshness.py writes every scored payment back through this function, so the lists stay bounded and in
time order, and the next payment of the same customer sees this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def add_event(times: Sequence[float] | None, values: Sequence[Any] | None, t: float, value: Any,
              window_s: float) -> tuple[list[float], list[Any]]:
    """Merge one event (time t in seconds, value) into a stored window; return (times, values), oldest first.

    `times`/`values` are what the store holds (None when the entity is new). Keep only events that can
    still fall inside a later window: those with time > t - window_s.
    """
    ### BEGIN SOLUTION 4.3
    pairs = list(zip(times if times is not None else [], values if values is not None else [], strict=True))
    pairs = [(s, v) for s, v in pairs if s > t - window_s] + [(t, value)]
    pairs.sort(key=lambda pair: pair[0])
    return [s for s, _ in pairs], [v for _, v in pairs]
    ### END SOLUTION
