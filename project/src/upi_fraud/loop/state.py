"""What the loop carries from one week to the next: the week's verdict, the waiting challenger, the model changes.

Given in lab 07. Plain dataclasses, so every step takes and returns what it needs, and weeks.json is their
JSON form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

ACTIONS = ("page", "promote", "drop", "shadow", "retrain", "none")
GO_LIVE_ALIAS, CHALLENGER = "go_live", "challenger"


class LoopError(RuntimeError):
    """The loop cannot run as asked (one sentence that says what to do)."""


@dataclass(frozen=True)
class WeekVerdict:
    """Monitoring's verdict on a week: its status, whether it asks to retrain, and when it was judged."""

    status: str               # OK | WARN | RETRAIN | INCIDENT
    retrain: bool
    judged_at: pd.Timestamp   # aware: the Monday after the week, 00:00 IST


@dataclass(frozen=True)
class Shadow:
    """A challenger's shadow week: it scored every payment beside the champion, deciding nothing."""

    ok: bool                  # it scored every payment and its alert rate fits the policy
    payments: int
    agreement: float
    alert_rate: float
    champion_alert_rate: float
    allowed_alert_rate: float
    frauds_known: int
    caught_known: int
    champion_caught_known: int


@dataclass
class Challenger:
    """The version waiting to go live: did it pass the gate, and how did its shadow week go (None until over)."""

    version: str
    gate_passed: bool
    shadow: Shadow | None = None


@dataclass(frozen=True)
class Change:
    """The live model changed: when, and to which version."""

    at: pd.Timestamp
    version: str


@dataclass
class LoopState:
    """What the loop remembers: the waiting challenger and every model change since go-live (the first)."""

    challenger: Challenger | None
    changes: list[Change] = field(default_factory=list)
