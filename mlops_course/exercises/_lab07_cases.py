"""Crafted inputs for lab 07's checks: weeks for the loop's decision, and fake model holders for the hot swap.

7.1's weeks put each rule of the decision against the one a wrong answer would apply: an incident week that also
carries a retrain trigger, challengers at each stage (failed gate, not shadowed, shadow failed, shadow well) in
weeks with and without a trigger, a failed gate that still has a shadow result. Beside them, a replay of
September to December 2025 driven by the right decision, as the loop would run it (after a promote or a drop it
asks again, with no challenger).

7.2's holder records every swap and every attribute set outside swap(), and its loader looks at what the holder
serves while a version loads, so that loading after swapping, a placeholder, a second swap or a direct assignment
show, as well as a rollback, versions compared as numbers or as text, and a version whose files are broken.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from upi_kit import story

ACTIONS = ("page", "promote", "drop", "shadow", "retrain", "none")
IST = story.TIMEZONE
_D = pd.Timedelta(days=1)
JUDGED = pd.Timestamp("2025-10-13 00:00", tz=IST)  # the end of the IST week of Monday 6 October


# ---------------------------------------------------------------- 7.1


@dataclass(frozen=True)
class Verdict:
    """A week's verdict as the loop passes it (project/src/upi_fraud/loop/state.py's WeekVerdict)."""

    status: str
    retrain: bool
    judged_at: pd.Timestamp


@dataclass(frozen=True)
class Shadow:
    """A challenger's shadow week (state.py's Shadow, the fields a decision may read)."""

    ok: bool
    payments: int = 41_250
    agreement: float = 0.9912
    alert_rate: float = 0.0104


@dataclass
class Challenger:
    """The version waiting to go live (state.py's Challenger); shadow None until its shadow week is over."""

    version: str
    gate_passed: bool
    shadow: Shadow | None = None


def decide(verdict: Verdict, challenger: Challenger | None) -> str:
    """The right answer to 7.1: what the loop does once a week is judged."""
    if verdict.status == "INCIDENT":
        return "page"
    if challenger is not None:
        if not challenger.gate_passed:
            return "drop"
        if challenger.shadow is None:
            return "shadow"
        return "promote" if challenger.shadow.ok else "drop"
    return "retrain" if verdict.retrain else "none"


def verdict(status: str, retrain: bool | None = None, judged_at: pd.Timestamp = JUDGED) -> Verdict:
    """A week's verdict as the loop passes it (retrain defaults to what 6.2 gives for a week of that status)."""
    return Verdict(status, status == "RETRAIN" if retrain is None else retrain, judged_at)


def challenger(version: str, gate_passed: bool = True, shadow: bool | None = None) -> Challenger:
    """A challenger waiting to go live; shadow None until its shadow week is over."""
    week = None if shadow is None else Shadow(shadow, alert_rate=0.0104 if shadow else 0.0231)
    return Challenger(version, gate_passed, week)


def decide_cases() -> list[tuple[str, Verdict, Challenger | None]]:
    """(what, verdict, challenger) for 7.1."""
    return [
        ("an OK week, no challenger", verdict("OK"), None),
        ("a WARN week (input drift), retrain False, no challenger", verdict("WARN"), None),
        ("a RETRAIN week, no challenger", verdict("RETRAIN"), None),
        ("a WARN week that carries retrain=True (recall below its floor beside a drift finding), no challenger",
         verdict("WARN", retrain=True), None),
        ("an INCIDENT week that also carries retrain=True (a unit change beside recall below its floor)",
         verdict("INCIDENT", retrain=True), None),
        ("an INCIDENT week while challenger version 8 had a good shadow week", verdict("INCIDENT"),
         challenger("8", shadow=True)),
        ("an INCIDENT week, retrain True, while challenger version 8 waits for its shadow week",
         verdict("INCIDENT", retrain=True), challenger("8")),
        ("an OK week, challenger version 8 failed the gate (gate_passed False)", verdict("OK"),
         challenger("8", gate_passed=False)),
        ("a WARN week, challenger version 8 failed the gate but has a shadow result", verdict("WARN"),
         challenger("8", gate_passed=False, shadow=True)),
        ("an OK week, challenger version 8 passed the gate, not shadowed yet (shadow None)", verdict("OK"),
         challenger("8")),
        ("a WARN week, challenger version 8 passed the gate and its shadow week went well", verdict("WARN"),
         challenger("8", shadow=True)),
        ("an OK week, challenger version 8's shadow week went wrong (ok False)", verdict("OK"),
         challenger("8", shadow=False)),
        ("a RETRAIN week while challenger version 8 waits for its shadow week", verdict("RETRAIN"),
         challenger("8")),
        ("a RETRAIN week while challenger version 8 had a good shadow week", verdict("RETRAIN"),
         challenger("8", shadow=True)),
        ("a RETRAIN week while challenger version 8's shadow week went wrong", verdict("RETRAIN"),
         challenger("8", shadow=False)),
    ]


#: The production weeks of the replay (Mondays, Sep to Dec 2025): status, retrain, and what CT or the shadow week
#: gives when the loop retrains or shadows that week (a shadow in an INCIDENT week does not count: it runs again).
SEASON = [
    ("2025-09-01", "OK", False, None), ("2025-09-08", "OK", False, None), ("2025-09-15", "WARN", False, None),
    ("2025-09-22", "RETRAIN", True, "gate passes"), ("2025-09-29", "WARN", False, "shadow ok"),
    ("2025-10-06", "RETRAIN", True, None), ("2025-10-13", "RETRAIN", True, None),
    ("2025-10-20", "INCIDENT", True, None), ("2025-10-27", "RETRAIN", True, "gate fails"),
    ("2025-11-03", "RETRAIN", True, "gate passes"), ("2025-11-10", "RETRAIN", True, "shadow over budget"),
    ("2025-11-17", "WARN", False, None), ("2025-11-24", "RETRAIN", True, "gate passes"),
    ("2025-12-01", "INCIDENT", False, "shadow ok"), ("2025-12-08", "OK", False, "shadow ok"),
    ("2025-12-15", "RETRAIN", True, None), ("2025-12-22", "OK", False, None), ("2025-12-29", "WARN", False, None),
]
SEASON_ACTIONS = ["none", "none", "none", "retrain", "promote", "retrain", "retrain", "page", "retrain", "retrain",
                  "drop", "retrain", "none", "retrain", "page", "promote", "retrain", "none", "none"]


def _judged_at(monday: str) -> pd.Timestamp:
    """As the loop gets it: upi-monitor's ISO text (the week's end in IST) read back, a fixed +05:30 offset."""
    end = pd.Timestamp(monday, tz=IST) + 7 * _D
    return pd.Timestamp(end.isoformat())


def season() -> list[tuple[str, Verdict, Challenger | None]]:
    """The weeks of Sep to Dec 2025 as run.run_week (upi_fraud.loop) sees them, the state driven by the right
    decision; a week that promotes or drops while its trigger holds is asked again, with no challenger."""
    pending: Challenger | None = None
    number, out = 4, []
    for monday, status, retrain, outcome in SEASON:
        if pending is not None and pending.gate_passed and pending.shadow is None and status != "INCIDENT":
            pending = challenger(pending.version, shadow=outcome == "shadow ok")  # the shadow week counted
        week = verdict(status, retrain, _judged_at(monday))
        what = f"the week of Monday {monday} ({status}) in a replay of September to December 2025"
        out.append((what, week, pending))
        action = decide(week, pending)
        if action in ("promote", "drop"):
            pending = None
            action = decide(week, None)
            if action == "retrain":
                out.append((what + ", asked again once the challenger is settled", week, None))
        if action == "retrain":
            pending = challenger(str(number)) if outcome == "gate passes" else None
            number += 1
    return out


# ---------------------------------------------------------------- 7.2


@dataclass(frozen=True)
class Bundle:
    """A model bundle as the service holds it: the version with its model, threshold and feature set."""

    version: str
    threshold: float = 0.5
    feature_set: str = "v2"


class Champion:
    """The service's holder (lab 04): get() the live bundle, swap(bundle) under a lock."""

    def __init__(self, bundle: Bundle) -> None:
        self._bundle, self._lock = bundle, threading.Lock()

    def get(self) -> Bundle:
        return self._bundle

    def swap(self, bundle: Bundle) -> Bundle:
        with self._lock:
            old, self._bundle = self._bundle, bundle
        return old


class RecordingChampion(Champion):
    """The holder, recording each swap and each attribute set from outside swap() (writes)."""

    def __init__(self, bundle: Bundle) -> None:
        for name, value in {"_bundle": bundle, "_lock": threading.Lock(), "swaps": [], "writes": []}.items():
            object.__setattr__(self, name, value)

    def swap(self, bundle: Bundle) -> Bundle:
        with self._lock:
            old = self._bundle
            object.__setattr__(self, "_bundle", bundle)
        self.swaps.append(bundle)
        return old

    def __setattr__(self, name: str, value: Any) -> None:
        self.writes.append(name)
        object.__setattr__(self, name, value)


class Loader:
    """load(version): a fresh Bundle; records its calls and what the holder served while each one loaded."""

    def __init__(self, champion: Champion, broken: tuple[str, ...] = (), seconds: float = 0.0) -> None:
        self.champion, self.broken, self.seconds = champion, broken, seconds
        self.calls: list[Any] = []
        self.loaded: list[Bundle] = []
        self.seen: list[Any] = []

    def __call__(self, version: Any) -> Bundle:
        self.calls.append(version)
        self.seen.append(self.champion.__dict__["_bundle"])  # what requests get meanwhile (no get() recorded)
        if str(version) in self.broken:
            raise OSError(f"version {version}'s model.joblib is truncated: cannot unpickle it")
        time.sleep(self.seconds)
        bundle = Bundle(str(version))
        self.loaded.append(bundle)
        return bundle


#: (what, live version, the version the alias names now, versions whose files are broken) for 7.2.
REFRESH_CASES = [
    ("the alias still names the live version '7'", "7", "7", ()),
    ("the alias moved from version '7' to '8'", "7", "8", ()),
    ("the alias moved from version '9' to '10'", "9", "10", ()),
    ("a rollback: the alias moved back from version '7' to '5'", "7", "5", ()),
    ("a rollback: the alias moved back from version '10' to '9'", "10", "9", ()),
    ("the alias moved from version '8' to '9', whose files are broken", "8", "9", ("9",)),
    ("the alias still names the live version '10'", "10", "10", ()),
]
#: The drill: what the alias names at each poll (a promotion, a rollback, another promotion).
POLLS = ["3", "3", "4", "4", "4", "3", "3", "12", "12"]


def drill(refresh: Any, call: Any, polls: list[str] = POLLS) -> tuple[list[Any], Loader, Champion]:
    """Polls with the real holder while a thread reads it as requests do; returns what the thread saw."""
    champion = Champion(Bundle(polls[0]))
    loader, seen, stop = Loader(champion, seconds=0.02), [], threading.Event()

    def requests() -> None:
        while not stop.is_set():
            seen.append(champion.get())
            time.sleep(0.0002)

    reader = threading.Thread(target=requests, daemon=True)
    reader.start()
    try:
        for version in polls:
            call(refresh, "refresh", champion, version, loader)
            time.sleep(0.005)
    finally:
        stop.set()
        reader.join(timeout=5)
    return seen, loader, champion
