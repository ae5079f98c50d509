"""The swap under load: clients score payments while the champion alias moves (given in lab 07).

Zero downtime means every request gets a 200 and, within each client's stream of answers, the model
version changes at most once, from the old to the new, and never back. The same drill rolls back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import requests

from upi_fraud.loop.state import LoopError
from upi_fraud.serving import replay
from upi_kit import data

Stream = list[tuple[int, str | None]]  # (HTTP status, the model version that answered)


@dataclass(frozen=True)
class Verdict:
    """A drill's outcome: requests sent, how many failed, and whether every client went old -> new once."""

    requests: int
    failed: int
    monotone: bool
    old_to_new: bool


def probe(upi: data.UPIData, day: pd.Timestamp) -> dict[str, Any] | None:
    """The first payment of the IST day that starts at `day`, as the request the app sends (None if it had none)."""
    first = replay.as_requests(replay.payments_between(upi.transactions, day, day + pd.Timedelta(days=1)).head(1))
    return first[0] if first else None


def wait_until_served(url: str, version: str, payload: dict[str, Any], timeout: float = 60.0) -> float:
    """Seconds until the live service answers with `version` (it follows the alias by itself)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        answer = requests.post(f"{url}/score", json={"payment": payload, "dry_run": True}, timeout=10).json()
        if answer["model_version"] == str(version):
            return round(time.monotonic() - started, 2)
        time.sleep(0.2)
    raise LoopError(f"the service at {url} still serves another version {timeout:.0f} s after the alias moved to "
                    f"{version}: is serving/watcher.py in the project and MODEL_POLL_SECONDS above 0?")


def _client(url: str, payloads: Sequence[dict[str, Any]], first: int, step: int, stop: threading.Event,
            stream: Stream) -> None:
    """One client: score payments (dry run) one after another until told to stop, recording every answer."""
    with requests.Session() as http:
        n = first
        while not stop.is_set():
            try:
                r = http.post(f"{url}/score", json={"payment": payloads[n % len(payloads)], "dry_run": True},
                              timeout=10)
                stream.append((r.status_code, r.json().get("model_version") if r.ok else None))
            except requests.RequestException as err:
                stream.append((0, type(err).__name__))
            n += step


def drill(url: str, payloads: Sequence[dict[str, Any]], move_alias: Callable[[], str], clients: int = 4,
          timeout: float = 60.0, after: float = 1.0) -> tuple[list[Stream], str, float]:
    """Concurrent clients score payments while `move_alias()` changes the champion.

    Returns every client's answers in order, the version the alias moved to, and the seconds until every
    client was served by it.
    """
    stop = threading.Event()
    streams: list[Stream] = [[] for _ in range(clients)]
    threads = [threading.Thread(target=_client, args=(url, payloads, i, clients, stop, streams[i]), daemon=True)
               for i in range(clients)]
    for t in threads:
        t.start()
    time.sleep(after)
    target, started = str(move_alias()), time.monotonic()
    while time.monotonic() - started < timeout and not all(s and s[-1][1] == target for s in streams):
        time.sleep(0.05)
    seconds = round(time.monotonic() - started, 2)
    time.sleep(after)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    return streams, target, seconds


def zero_downtime(streams: list[Stream], old: str, new: str) -> Verdict:
    """The drill's verdict: requests, failures, and whether every stream went old -> new exactly once."""
    failed = sum(1 for s in streams for status, _ in s if status != 200)
    monotone = all([v for _, v in s] == sorted([v for _, v in s], key=lambda v: v == str(new)) for s in streams)
    ends = all(bool(s) and s[0][1] == str(old) and s[-1][1] == str(new) for s in streams)
    return Verdict(sum(len(s) for s in streams), failed, monotone, ends)
