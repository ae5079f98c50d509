"""Crafted inputs for lab 07's checks: weeks for the loop's decision, and fake model holders for the hot swap.

7.1's weeks put each rule of the decision against the one a wrong answer would apply: an incident week that also
carries a retrain trigger, challengers at each stage (failed gate, not shadowed, shadow failed, shadow well), a
last change exactly at the window's end and one second short of it, another window_days, and judged_at and
last_change in different time zones (their dates, or their clock faces without zones, give the other answer).
Beside them, a replay of September to December 2025 driven by the right decision, as the loop would run it.

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

ACTIONS = ("page", "promote", "drop", "shadow", "retrain", "wait", "none")
WINDOW_DAYS = 28  # upi_fraud.monitoring.config: performance is judged on the payments of the last four weeks
IST = story.TIMEZONE
_D, _S = pd.Timedelta(days=1), pd.Timedelta(seconds=1)
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


def decide(verdict: Verdict, challenger: Challenger | None, last_change: pd.Timestamp | None,
           window_days: int = WINDOW_DAYS) -> str:
    """The right answer to 7.1: what the loop does once a week is judged."""
    if verdict.status == "INCIDENT":
        return "page"
    if challenger is not None:
        if not challenger.gate_passed:
            return "drop"
        if challenger.shadow is None:
            return "shadow"
        return "promote" if challenger.shadow.ok else "drop"
    if not verdict.retrain:
        return "none"
    too_soon = last_change is not None and verdict.judged_at - last_change < pd.Timedelta(days=window_days)
    return "wait" if too_soon else "retrain"


def verdict(status: str, retrain: bool | None = None, judged_at: pd.Timestamp = JUDGED) -> Verdict:
    """A week's verdict as the loop passes it (retrain defaults to what 6.2 gives for a week of that status)."""
    return Verdict(status, status == "RETRAIN" if retrain is None else retrain, judged_at)


def challenger(version: str, gate_passed: bool = True, shadow: bool | None = None) -> Challenger:
    """A challenger waiting to go live; shadow None until its shadow week is over."""
    week = None if shadow is None else Shadow(shadow, alert_rate=0.0104 if shadow else 0.0231)
    return Challenger(version, gate_passed, week)


def decide_cases() -> list[tuple[str, Verdict, Challenger | None, pd.Timestamp | None, dict]]:
    """(what, verdict, challenger, last_change, keyword arguments) for 7.1."""
    utc_change = pd.Timestamp("2025-09-15 00:00", tz="UTC")  # 05:30 IST
    ist_change = pd.Timestamp("2025-09-15 05:00", tz=IST)  # 23:30 UTC the day before
    return [
        ("an OK week, no challenger, the model never changed", verdict("OK"), None, None, {}),
        ("a WARN week (input drift), retrain False, no challenger", verdict("WARN"), None, None, {}),
        ("a RETRAIN week, no challenger, the model never changed (last_change None)", verdict("RETRAIN"), None,
         None, {}),
        ("an INCIDENT week that also carries retrain=True (a unit change beside recall below its floor)",
         verdict("INCIDENT", retrain=True), None, None, {}),
        ("an INCIDENT week while challenger version 8 had a good shadow week", verdict("INCIDENT"),
         challenger("8", shadow=True), JUDGED - 60 * _D, {}),
        ("an INCIDENT week, retrain True, while challenger version 8 waits for its shadow week",
         verdict("INCIDENT", retrain=True), challenger("8"), None, {}),
        ("an OK week, challenger version 8 failed the gate (gate_passed False)", verdict("OK"),
         challenger("8", gate_passed=False), None, {}),
        ("a WARN week, challenger version 8 failed the gate but has a shadow result", verdict("WARN"),
         challenger("8", gate_passed=False, shadow=True), None, {}),
        ("an OK week, challenger version 8 passed the gate, not shadowed yet (shadow None)", verdict("OK"),
         challenger("8"), None, {}),
        ("a WARN week, challenger version 8 passed the gate and its shadow week went well", verdict("WARN"),
         challenger("8", shadow=True), JUDGED - 40 * _D, {}),
        ("an OK week, challenger version 8's shadow week went wrong (ok False)", verdict("OK"),
         challenger("8", shadow=False), None, {}),
        ("a RETRAIN week while challenger version 8 waits for its shadow week", verdict("RETRAIN"),
         challenger("8"), None, {}),
        ("a RETRAIN week while challenger version 8 had a good shadow week", verdict("RETRAIN"),
         challenger("8", shadow=True), JUDGED - 60 * _D, {}),
        ("a RETRAIN week, the live model changed 10 days before judged_at", verdict("RETRAIN"), None,
         JUDGED - 10 * _D, {}),
        ("a RETRAIN week judged at 04:30 IST, the live model changed at 00:00 UTC 27 days 23 hours earlier",
         verdict("RETRAIN", judged_at=(utc_change + 28 * _D - pd.Timedelta(hours=1)).tz_convert(IST)), None,
         utc_change, {}),
        ("a RETRAIN week judged at 02:30 UTC, the live model changed at 05:00 IST 28 days 3 hours earlier",
         verdict("RETRAIN", judged_at=(ist_change + 28 * _D + pd.Timedelta(hours=3)).tz_convert("UTC")), None,
         ist_change, {}),
        ("a RETRAIN week, the live model changed exactly 28 days before judged_at", verdict("RETRAIN"), None,
         JUDGED - 28 * _D, {}),
        ("a RETRAIN week, the live model changed 28 days minus one second before judged_at", verdict("RETRAIN"),
         None, JUDGED - 28 * _D + _S, {}),
        ("a RETRAIN week, the live model changed 29 days before judged_at", verdict("RETRAIN"), None,
         JUDGED - 29 * _D, {}),
        ("a RETRAIN week, window_days=14, the live model changed 20 days before judged_at", verdict("RETRAIN"),
         None, JUDGED - 20 * _D, {"window_days": 14}),
        ("a RETRAIN week, window_days=14, the live model changed 14 days minus one second before",
         verdict("RETRAIN"), None, JUDGED - 14 * _D + _S, {"window_days": 14}),
        ("an OK week, retrain False, the live model changed 3 days ago", verdict("OK"), None, JUDGED - 3 * _D, {}),
        ("a WARN week, retrain False, the live model changed 40 days ago", verdict("WARN"), None,
         JUDGED - 40 * _D, {}),
    ]


#: The production weeks of the replay (Mondays, Sep to Dec 2025): status, retrain, and what CT or the shadow week
#: gives when the loop retrains or shadows that week.
SEASON = [
    ("2025-09-01", "OK", False, None), ("2025-09-08", "OK", False, None), ("2025-09-15", "WARN", False, None),
    ("2025-09-22", "RETRAIN", True, "gate passes"), ("2025-09-29", "WARN", False, "shadow ok"),
    ("2025-10-06", "RETRAIN", True, None), ("2025-10-13", "RETRAIN", True, None),
    ("2025-10-20", "INCIDENT", True, None), ("2025-10-27", "RETRAIN", True, "gate fails"),
    ("2025-11-03", "RETRAIN", True, "gate passes"), ("2025-11-10", "RETRAIN", True, "shadow over budget"),
    ("2025-11-17", "WARN", False, None), ("2025-11-24", "RETRAIN", True, "gate passes"),
    ("2025-12-01", "INCIDENT", False, "shadow ok"), ("2025-12-08", "OK", False, None),
    ("2025-12-15", "RETRAIN", True, None), ("2025-12-22", "OK", False, None), ("2025-12-29", "WARN", False, None),
]
SEASON_ACTIONS = ["none", "none", "none", "retrain", "promote", "wait", "wait", "page", "retrain", "retrain",
                  "drop", "none", "retrain", "page", "promote", "wait", "none", "none"]


def _judged_at(monday: str) -> pd.Timestamp:
    """As the loop gets it: upi-monitor's ISO text (the week's end in IST) read back, a fixed +05:30 offset."""
    end = pd.Timestamp(monday, tz=IST) + 7 * _D
    return pd.Timestamp(end.isoformat())


def season() -> list[tuple[str, Verdict, Challenger | None, pd.Timestamp | None, dict]]:
    """The 18 weeks of Sep to Dec 2025 as run.run_week (upi_fraud.loop) sees them, the state driven by the right
    decision."""
    pending: Challenger | None = None
    last_change: pd.Timestamp | None = None
    number, out = 4, []
    for monday, status, retrain, outcome in SEASON:
        if pending is not None and pending.gate_passed and pending.shadow is None:  # the shadow week ran
            pending = challenger(pending.version, shadow=outcome == "shadow ok")
        week = verdict(status, retrain, _judged_at(monday))
        out.append((f"the week of Monday {monday} ({status}) in a replay of September to December 2025", week,
                    pending, last_change, {}))
        action = decide(week, pending, last_change)
        if action == "retrain":
            pending = challenger(str(number)) if outcome == "gate passes" else None
            number += 1
        elif action in ("promote", "drop"):
            last_change = week.judged_at if action == "promote" else last_change
            pending = None
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
